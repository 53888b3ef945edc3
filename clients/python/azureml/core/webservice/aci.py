"""``azureml.core.webservice.aci`` for Loom: ``AciWebservice`` deploys to a Loom endpoint.

``AciWebservice.deploy_configuration(cpu_cores=..., memory_gb=..., auth_enabled=True, tags=...,
description=...)`` as in v1. On Loom:

* ``auth_enabled=True``: the endpoint's auth is ``key`` (``service.get_keys()``; callers send
  ``Authorization: Bearer <key>``). Without it (v1's default, an open ACI service) the endpoint's
  auth is ``token``: Loom serves nothing anonymously, so callers send a Loom token with Reader in the
  workspace, which ``service.run`` does by itself.
* ``cpu_cores`` and ``memory_gb`` size an Azure container; Loom's workers share the server's
  machine, so they are only recorded (endpoint tags ``azureml.cpuCores``/``azureml.memoryGb``).
* ``primary_key``/``secondary_key`` are ignored (Loom generates keys); SSL, DNS, VNet, CMK, App
  Insights and model data collection settings are accepted and have no effect.
"""

from ...exceptions import WebserviceException
from .webservice import Webservice, WebserviceDeploymentConfiguration

__all__ = ["AciWebservice", "AciServiceDeploymentConfiguration"]


class AciServiceDeploymentConfiguration(WebserviceDeploymentConfiguration):
    """What ``AciWebservice.deploy_configuration()`` returns."""

    _webservice_type = "ACI"

    def __init__(self, cpu_cores=None, memory_gb=None, tags=None, properties=None, description=None, location=None,
                 auth_enabled=None, ssl_enabled=None, enable_app_insights=None, ssl_cert_pem_file=None,
                 ssl_key_pem_file=None, ssl_cname=None, dns_name_label=None, primary_key=None, secondary_key=None,
                 collect_model_data=None, cmk_vault_base_url=None, cmk_key_name=None, cmk_key_version=None,
                 vnet_name=None, subnet_name=None):
        super().__init__("ACI", description, tags, properties, primary_key, secondary_key, location)
        self.cpu_cores = cpu_cores
        self.memory_gb = memory_gb
        self.auth_enabled = auth_enabled
        self.ssl_enabled = ssl_enabled
        self.enable_app_insights = enable_app_insights
        self.ssl_cert_pem_file = ssl_cert_pem_file
        self.ssl_key_pem_file = ssl_key_pem_file
        self.ssl_cname = ssl_cname
        self.dns_name_label = dns_name_label
        self.collect_model_data = collect_model_data
        self.cmk_vault_base_url = cmk_vault_base_url
        self.cmk_key_name = cmk_key_name
        self.cmk_key_version = cmk_key_version
        self.vnet_name = vnet_name
        self.subnet_name = subnet_name

    def validate_configuration(self):
        super().validate_configuration()
        if self.cpu_cores is not None and self.cpu_cores <= 0:
            raise WebserviceException("Invalid configuration, cpu_cores must be greater than zero.")
        if self.memory_gb is not None and self.memory_gb <= 0:
            raise WebserviceException("Invalid configuration, memory_gb must be greater than zero.")

    def _auth_mode(self):
        return "key" if self.auth_enabled else "token"

    def _recorded(self):
        return {"cpuCores": self.cpu_cores if self.cpu_cores is not None else 0.1,
                "memoryGb": self.memory_gb if self.memory_gb is not None else 0.5}


class AciWebservice(Webservice):
    """A web service deployed with ``AciWebservice.deploy_configuration()``: a Loom endpoint."""

    _webservice_type = "ACI"

    @staticmethod
    def deploy_configuration(cpu_cores=None, memory_gb=None, tags=None, properties=None, description=None,
                             location=None, auth_enabled=None, ssl_enabled=None, enable_app_insights=None,
                             ssl_cert_pem_file=None, ssl_key_pem_file=None, ssl_cname=None, dns_name_label=None,
                             primary_key=None, secondary_key=None, collect_model_data=None, cmk_vault_base_url=None,
                             cmk_key_name=None, cmk_key_version=None, vnet_name=None, subnet_name=None):
        """The configuration of an "ACI" service (see the module's notes for what Loom does with it)."""
        config = AciServiceDeploymentConfiguration(
            cpu_cores, memory_gb, tags, properties, description, location, auth_enabled, ssl_enabled,
            enable_app_insights, ssl_cert_pem_file, ssl_key_pem_file, ssl_cname, dns_name_label, primary_key,
            secondary_key, collect_model_data, cmk_vault_base_url, cmk_key_name, cmk_key_version, vnet_name,
            subnet_name)
        config.validate_configuration()
        return config

    def update(self, image=None, tags=None, properties=None, description=None, auth_enabled=None, ssl_enabled=None,
               ssl_cert_pem_file=None, ssl_key_pem_file=None, ssl_cname=None, enable_app_insights=None, models=None,
               inference_config=None):
        """Change the service: ``models`` and/or ``inference_config`` make a new generation of its
        deployment, proven while the current one keeps serving (then call
        ``wait_for_deployment()``); ``tags`` replace the service's tags; ``description``."""
        return self._update(image=image, models=models, inference_config=inference_config, tags=tags,
                            description=description, auth_enabled=auth_enabled, properties=properties,
                            ssl_enabled=ssl_enabled, ssl_cert_pem_file=ssl_cert_pem_file,
                            ssl_key_pem_file=ssl_key_pem_file, ssl_cname=ssl_cname,
                            enable_app_insights=enable_app_insights)
