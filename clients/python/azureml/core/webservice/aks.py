"""``azureml.core.webservice.aks`` for Loom: ``AksWebservice`` deploys to a Loom endpoint.

``AksWebservice.deploy_configuration(...)`` maps onto the deployment's sizing: ``num_replicas``
(fixed) or ``autoscale_min_replicas``/``autoscale_max_replicas`` → min/max replicas,
``replica_max_concurrent_requests`` → maxConcurrentRequestsPerReplica, ``scoring_timeout_ms`` →
requestTimeoutMs. Auth: ``auth_enabled`` (v1's default, True) → key; ``token_auth_enabled`` →
token. ``cpu_cores``/``memory_gb`` are recorded as endpoint tags; the deployment target is not used
(Loom serves from its own host). Probe, GPU, namespace and App Insights settings have no effect.
"""

from ...exceptions import WebserviceException
from .webservice import Webservice, WebserviceDeploymentConfiguration

__all__ = ["AksWebservice", "AksServiceDeploymentConfiguration"]

_UNUSED = ("autoscale_refresh_seconds", "autoscale_target_utilization", "collect_model_data", "enable_app_insights",
           "max_request_wait_time", "gpu_cores", "period_seconds", "initial_delay_seconds", "timeout_seconds",
           "success_threshold", "failure_threshold", "namespace", "compute_target_name", "cpu_cores_limit",
           "memory_gb_limit", "blobfuse_enabled")


class AksServiceDeploymentConfiguration(WebserviceDeploymentConfiguration):
    """What ``AksWebservice.deploy_configuration()`` returns."""

    _webservice_type = "AKS"

    def __init__(self, autoscale_enabled=None, autoscale_min_replicas=None, autoscale_max_replicas=None,
                 cpu_cores=None, memory_gb=None, auth_enabled=None, token_auth_enabled=None, scoring_timeout_ms=None,
                 replica_max_concurrent_requests=None, num_replicas=None, primary_key=None, secondary_key=None,
                 tags=None, properties=None, description=None, **unused):
        super().__init__("AKS", description, tags, properties, primary_key, secondary_key)
        self.autoscale_enabled = autoscale_enabled
        self.autoscale_min_replicas = autoscale_min_replicas
        self.autoscale_max_replicas = autoscale_max_replicas
        self.cpu_cores = cpu_cores
        self.memory_gb = memory_gb
        self.auth_enabled = auth_enabled
        self.token_auth_enabled = token_auth_enabled
        self.scoring_timeout_ms = scoring_timeout_ms
        self.replica_max_concurrent_requests = replica_max_concurrent_requests
        self.num_replicas = num_replicas
        for name in _UNUSED:
            setattr(self, name, unused.pop(name, None))
        if unused:
            raise TypeError("deploy_configuration() got unexpected arguments: {}".format(", ".join(sorted(unused))))

    def validate_configuration(self):
        super().validate_configuration()
        if self.auth_enabled and self.token_auth_enabled:
            raise WebserviceException("Error, cannot enable both key and token authentication.")
        if self.num_replicas is not None and self.autoscale_enabled:
            raise WebserviceException("Invalid configuration, autoscale enabled and num_replicas provided.")
        for name in ("num_replicas", "autoscale_min_replicas", "autoscale_max_replicas", "scoring_timeout_ms",
                     "replica_max_concurrent_requests"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise WebserviceException("Invalid configuration, {} must be a positive integer.".format(name))

    def _auth_mode(self):
        return "token" if self.token_auth_enabled else "key" if self.auth_enabled is not False else "token"

    def _deployment_settings(self):
        fields = {}
        if self.num_replicas is not None:
            fields["min_replicas"] = fields["max_replicas"] = self.num_replicas
        if self.autoscale_min_replicas is not None:
            fields["min_replicas"] = self.autoscale_min_replicas
        if self.autoscale_max_replicas is not None:
            fields["max_replicas"] = self.autoscale_max_replicas
        if self.replica_max_concurrent_requests is not None:
            fields["max_concurrent_requests_per_replica"] = self.replica_max_concurrent_requests
        if self.scoring_timeout_ms is not None:
            fields["request_timeout_ms"] = self.scoring_timeout_ms
        return fields

    def _recorded(self):
        return {"cpuCores": self.cpu_cores, "memoryGb": self.memory_gb}


class AksWebservice(Webservice):
    """A web service deployed with ``AksWebservice.deploy_configuration()``: a Loom endpoint."""

    _webservice_type = "AKS"

    @staticmethod
    def deploy_configuration(autoscale_enabled=None, autoscale_min_replicas=None, autoscale_max_replicas=None,
                             autoscale_refresh_seconds=None, autoscale_target_utilization=None,
                             collect_model_data=None, auth_enabled=None, cpu_cores=None, memory_gb=None,
                             enable_app_insights=None, scoring_timeout_ms=None, replica_max_concurrent_requests=None,
                             max_request_wait_time=None, num_replicas=None, primary_key=None, secondary_key=None,
                             tags=None, properties=None, description=None, gpu_cores=None, period_seconds=None,
                             initial_delay_seconds=None, timeout_seconds=None, success_threshold=None,
                             failure_threshold=None, namespace=None, token_auth_enabled=None,
                             compute_target_name=None, cpu_cores_limit=None, memory_gb_limit=None,
                             blobfuse_enabled=None):
        """The configuration of an "AKS" service (see the module's notes for what Loom does with it)."""
        config = AksServiceDeploymentConfiguration(
            autoscale_enabled=autoscale_enabled, autoscale_min_replicas=autoscale_min_replicas,
            autoscale_max_replicas=autoscale_max_replicas, cpu_cores=cpu_cores, memory_gb=memory_gb,
            auth_enabled=auth_enabled, token_auth_enabled=token_auth_enabled, scoring_timeout_ms=scoring_timeout_ms,
            replica_max_concurrent_requests=replica_max_concurrent_requests, num_replicas=num_replicas,
            primary_key=primary_key, secondary_key=secondary_key, tags=tags, properties=properties,
            description=description, autoscale_refresh_seconds=autoscale_refresh_seconds,
            autoscale_target_utilization=autoscale_target_utilization, collect_model_data=collect_model_data,
            enable_app_insights=enable_app_insights, max_request_wait_time=max_request_wait_time,
            gpu_cores=gpu_cores, period_seconds=period_seconds, initial_delay_seconds=initial_delay_seconds,
            timeout_seconds=timeout_seconds, success_threshold=success_threshold,
            failure_threshold=failure_threshold, namespace=namespace, compute_target_name=compute_target_name,
            cpu_cores_limit=cpu_cores_limit, memory_gb_limit=memory_gb_limit, blobfuse_enabled=blobfuse_enabled)
        config.validate_configuration()
        return config

    def update(self, image=None, autoscale_enabled=None, autoscale_min_replicas=None, autoscale_max_replicas=None,
               auth_enabled=None, token_auth_enabled=None, cpu_cores=None, memory_gb=None, scoring_timeout_ms=None,
               replica_max_concurrent_requests=None, num_replicas=None, tags=None, properties=None, description=None,
               models=None, inference_config=None, **unused):
        """Change the service: models, inference_config, replicas, timeout, concurrency, tags,
        description (call ``wait_for_deployment()`` after a new generation)."""
        sizing = AksServiceDeploymentConfiguration(
            autoscale_min_replicas=autoscale_min_replicas, autoscale_max_replicas=autoscale_max_replicas,
            scoring_timeout_ms=scoring_timeout_ms, replica_max_concurrent_requests=replica_max_concurrent_requests,
            num_replicas=num_replicas, cpu_cores=cpu_cores, memory_gb=memory_gb)
        sizing.validate_configuration()
        recorded = {k: v for k, v in sizing._recorded().items() if v is not None}
        return self._update(image=image, models=models, inference_config=inference_config, tags=tags,
                            description=description, auth_enabled=auth_enabled, token_auth_enabled=token_auth_enabled,
                            properties=properties, deployment_settings=sizing._deployment_settings(),
                            recorded=recorded or None, **{k: v for k, v in unused.items() if k in _UNUSED})
