"""``azureml.core.webservice.local`` for Loom: ``LocalWebservice`` deploys to a Loom endpoint.

v1 runs a local service in Docker on ``port``; Loom runs it in its own workers, so
``LocalWebservice.deploy_configuration(port=...)`` becomes an endpoint on the Loom server like
any other: ``scoring_uri`` is the server's (``{server}/endpoints/{workspace}/{name}/score``), the
port is only recorded (endpoint tag ``azureml.port``). As with v1's local services there are no
keys: the endpoint's auth is ``token`` (``service.run`` sends the workspace connection's Loom token).
"""

from ...exceptions import WebserviceException
from .webservice import Webservice, WebserviceDeploymentConfiguration

__all__ = ["LocalWebservice", "LocalWebserviceDeploymentConfiguration"]


class LocalWebserviceDeploymentConfiguration(WebserviceDeploymentConfiguration):
    """What ``LocalWebservice.deploy_configuration()`` returns."""

    _webservice_type = "Local"

    def __init__(self, port=None):
        super().__init__("Local")
        self.port = port

    def validate_configuration(self):
        super().validate_configuration()
        if self.port is not None and not (isinstance(self.port, int) and 0 <= self.port <= 65535):
            raise WebserviceException("Invalid configuration, port must be an int between 0 and 65535.")

    def _auth_mode(self):
        return "token"

    def _recorded(self):
        return {"port": self.port}


class LocalWebservice(Webservice):
    """A web service deployed with ``LocalWebservice.deploy_configuration()``: a Loom endpoint."""

    _webservice_type = "Local"

    @staticmethod
    def deploy_configuration(port=None):
        """The configuration of a "local" service (the port is recorded, not used: see the module)."""
        config = LocalWebserviceDeploymentConfiguration(port)
        config.validate_configuration()
        return config

    @property
    def port(self):
        """The port given at deploy (recorded only: the service answers at ``scoring_uri``)."""
        value = (self.endpoint.get("tags") or {}).get("azureml.port")
        return int(value) if value and value.isdigit() else None

    def update(self, models=None, image_config=None, deployment_config=None, wait=False, inference_config=None):
        """Deploy ``models`` and/or ``inference_config`` as a new generation (``wait``: wait until it
        is proven)."""
        if image_config is not None:
            raise WebserviceException("Error, Loom deploys models with an inference_config, not images.")
        recorded = deployment_config._recorded() if deployment_config is not None else None
        self._update(models=models, inference_config=inference_config, recorded=recorded)
        if wait:
            self.wait_for_deployment()

    def reload(self, wait=False):
        """Restart the service's workers with the same models and code (a new generation)."""
        if self.deployment_name is None:
            raise WebserviceException("Error, the service {} has no deployment to reload.".format(self.name))
        self._update(models=list(self._model_ids))
        if wait:
            self.wait_for_deployment()

    def delete(self, delete_cache=True, delete_image=False, delete_volume=True):
        """Delete the service (the cache/image/volume flags have nothing to act on with Loom)."""
        super().delete()
