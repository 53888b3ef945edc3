"""``azureml.core.webservice`` for Loom: Azure ML v1's web services, served by Loom's online endpoints.

As in v1::

    from azureml.core.model import InferenceConfig, Model
    from azureml.core.webservice import AciWebservice, Webservice

    inference_config = InferenceConfig(entry_script="score.py", source_directory="src", environment=env)
    config = AciWebservice.deploy_configuration(cpu_cores=1, memory_gb=1, auth_enabled=True)
    service = Model.deploy(ws, "iris", [model], inference_config, config)
    service.wait_for_deployment(show_output=True)
    print(service.run(json.dumps({"data": [[5.1, 3.5, 1.4, 0.2]]})))

A service is the Loom endpoint of its name; its models, code and environment are the endpoint's
deployment ``default``. See :mod:`.aci`, :mod:`.local` and :mod:`.aks` for what each deployment
configuration becomes.
"""

from .webservice import Webservice, WebserviceAccessToken, WebserviceDeploymentConfiguration
from .aci import AciServiceDeploymentConfiguration, AciWebservice
from .aks import AksServiceDeploymentConfiguration, AksWebservice
from .local import LocalWebservice, LocalWebserviceDeploymentConfiguration

__all__ = ["Webservice", "AciWebservice", "AksWebservice", "LocalWebservice", "WebserviceDeploymentConfiguration",
           "AciServiceDeploymentConfiguration", "AksServiceDeploymentConfiguration",
           "LocalWebserviceDeploymentConfiguration", "WebserviceAccessToken"]
