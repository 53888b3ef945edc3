"""``azureml.core.webservice.Webservice`` for Loom: Azure ML v1's web services on Loom's online endpoints.

A v1 web service is one Loom endpoint of the same name; what v1 deploys into it (models, entry
script, source folder, environment) is the endpoint's deployment ``default`` (or, for an endpoint
made another way, the deployment taking the most traffic). ``Webservice(ws, name)`` returns the
subclass the service was deployed as (:class:`AciWebservice`, :class:`LocalWebservice`,
:class:`AksWebservice`), as in v1.

States as v1 reports them: a deployment being proven is ``Transitioning``, a serving one
``Healthy``, one whose proof failed ``Failed``.
"""

import datetime
import json
import sys
import time

from loom import LoomError, NotFoundError, UnauthorizedError
from loom import client as _client

from ...exceptions import WebserviceException

__all__ = ["Webservice", "WebserviceDeploymentConfiguration", "WebserviceAccessToken"]

DEFAULT_DEPLOYMENT = "default"
# Endpoint tags under this prefix record how v1 deployed the service (compute type, sizes); they
# show in `loom endpoint show` and are left out of ``service.tags``.
RESERVED_TAG_PREFIX = "azureml."
COMPUTE_TYPE_TAG = "azureml.computeType"
_STATE = {"Updating": "Transitioning", "Succeeded": "Healthy", "Failed": "Failed"}
_OPERATION = {"Updating": "Running", "Succeeded": "Succeeded", "Failed": "Failed"}
_SUBCLASSES = {}


class WebserviceDeploymentConfiguration:
    """Base of the deployment configurations ``*.deploy_configuration()`` return."""

    _webservice_type = None

    def __init__(self, type=None, description=None, tags=None, properties=None, primary_key=None,
                 secondary_key=None, location=None):
        self._webservice_type = type or self._webservice_type
        self.description = description
        self.tags = tags
        self.properties = properties
        self.primary_key = primary_key
        self.secondary_key = secondary_key
        self.location = location

    def validate_configuration(self):
        """Check the configuration (raises WebserviceException)."""
        if self.tags is not None and not isinstance(self.tags, dict):
            raise WebserviceException("Error, tags must be a dict.")
        if self.properties is not None and not isinstance(self.properties, dict):
            raise WebserviceException("Error, properties must be a dict.")

    # -- what it becomes on Loom ------------------------------------------------------------------

    def _auth_mode(self):
        """The endpoint's auth mode: ``key`` or ``token``."""
        return "token"

    def _deployment_settings(self):
        """Deployment fields (minReplicas, ...) this configuration sets."""
        return {}

    def _recorded(self):
        """Settings Loom has no use for, kept as reserved endpoint tags: ``{name: value}``."""
        return {}

    def _reserved_tags(self):
        tags = {COMPUTE_TYPE_TAG: self._webservice_type}
        for key, value in self._recorded().items():
            if value is not None:
                tags[RESERVED_TAG_PREFIX + key] = str(value)
        return tags

    def _warn_unsupported(self):
        if self.primary_key or self.secondary_key:
            print("Loom generates an endpoint's keys: primary_key and secondary_key are ignored; "
                  "read them with service.get_keys(), replace them with service.regen_key().")
        if self.properties:
            print("Loom keeps no properties on a web service: properties are ignored.")


class WebserviceAccessToken:
    """A token for a token-auth service (``service.get_access_token()``)."""

    def __init__(self, access_token, refresh_after=None, expiry_on=None, token_type="Bearer"):
        self.access_token = access_token
        self.refresh_after = refresh_after
        self.expiry_on = expiry_on
        self.token_type = token_type


class Webservice:
    """A deployed web service (``Webservice(workspace, name)``): a Loom endpoint and its deployment.

    Attributes as in v1: ``name``, ``workspace``, ``state``, ``scoring_uri``, ``swagger_uri``,
    ``compute_type``, ``auth_enabled``, ``token_auth_enabled``, ``description``, ``tags``,
    ``properties``, ``created_time``, ``updated_time``, ``error``, ``models``, ``environment``,
    ``entry_script``, ``inference_config``. Loom's own: ``deployment_name``, ``traffic``,
    ``endpoint`` and ``deployment`` (the server's documents).
    """

    _webservice_type = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._webservice_type:
            _SUBCLASSES.setdefault(cls._webservice_type, cls)

    def __new__(cls, workspace=None, name=None, *args, **kwargs):
        if cls is Webservice and workspace is not None and name is not None:
            docs = _fetch(workspace, name)
            kind = (docs[0].get("tags") or {}).get(COMPUTE_TYPE_TAG)
            instance = super().__new__(_SUBCLASSES.get(kind, Webservice))
            instance._prefetched = docs
            return instance
        return super().__new__(cls)

    def __init__(self, workspace, name):
        docs = self.__dict__.pop("_prefetched", None) or _fetch(workspace, name)
        self._load(workspace, *docs)

    @classmethod
    def _from_docs(cls, workspace, endpoint, deployments, deployment_name=None):
        kind = (endpoint.get("tags") or {}).get(COMPUTE_TYPE_TAG)
        target = _SUBCLASSES.get(kind, cls) if cls is Webservice else cls
        service = object.__new__(target)
        service._load(workspace, endpoint, deployments, deployment_name)
        return service

    def _load(self, workspace, endpoint, deployments, deployment_name=None):
        self.workspace = workspace
        self._client = workspace._require_client()
        self.endpoint = endpoint
        self.name = endpoint.get("name")
        self.scoring_uri = endpoint.get("scoringUri")
        self.swagger_uri = endpoint.get("swaggerUri")
        self.auth_enabled = endpoint.get("authMode", "key") == "key"
        self.token_auth_enabled = endpoint.get("authMode") == "token"
        self.description = endpoint.get("description")
        all_tags = dict(endpoint.get("tags") or {})
        self.tags = {k: v for k, v in all_tags.items() if not k.startswith(RESERVED_TAG_PREFIX)}
        self.properties = {}
        self.compute_type = all_tags.get(COMPUTE_TYPE_TAG) or self._webservice_type or "Loom"
        self.created_time = _parse_time(endpoint.get("createdTime"))
        self.created_by = None
        self.image_id = None
        self.image = None
        self.traffic = dict(endpoint.get("traffic") or {})
        self._deployments = list(deployments)
        names = [d.get("name") for d in self._deployments]
        chosen = deployment_name if deployment_name in names else getattr(self, "deployment_name", None)
        if chosen not in names:
            chosen = _primary(self.traffic, self._deployments)
        self.deployment_name = chosen
        self.deployment = next((d for d in self._deployments if d.get("name") == chosen), None)
        self._apply_deployment()

    def _apply_deployment(self):
        doc = self.deployment or {}
        state = doc.get("state")
        self.state = _STATE.get(state, state) if doc else "Unhealthy"
        self.error = ({"code": "DeploymentFailed", "message": doc.get("error") or "The deployment failed."}
                      if state == "Failed" else None)
        self.updated_time = _parse_time(doc.get("updatedTime")) or self.created_time
        self.entry_script = doc.get("entryScript")
        self._model_ids = list(doc.get("models") or [])
        self._environment_ref = doc.get("environment")
        self._models = None
        self._environment = None
        self._generation = doc.get("generation")

    # -- v1 attributes computed on demand --------------------------------------------------------

    @property
    def models(self):
        """The deployed :class:`~azureml.core.Model` versions."""
        if self._models is None:
            from ..model import Model
            self._models = [Model(self.workspace, id=m) if ":" in m else Model(self.workspace, name=m)
                            for m in self._model_ids]
        return self._models

    @property
    def environment(self):
        """The deployment's :class:`~azureml.core.Environment`."""
        if self._environment is None and self.deployment:
            from ..environment import Environment
            name, _, version = (self._environment_ref or "system").partition(":")
            self._environment = Environment.get(self.workspace, name, version or None)
        return self._environment

    @property
    def inference_config(self):
        """The entry script and environment as an InferenceConfig (its source folder is a snapshot
        on the server: ``source_directory`` is None)."""
        if not self.entry_script:
            return None
        from ..model import InferenceConfig
        config = InferenceConfig.__new__(InferenceConfig)
        config.__dict__.update(entry_script=self.entry_script, runtime=None, conda_file=None,
                               extra_docker_file_steps=None, source_directory=None, enable_gpu=None,
                               description=None, base_image=None, base_image_registry=None, cuda_version=None,
                               environment=self.environment)
        return config

    @property
    def deployments(self):
        """The endpoint's deployments (the server's documents)."""
        return list(self._deployments)

    def __repr__(self):
        return ("{}(workspace={!r}, name={}, image_id={}, compute_type={}, state={}, scoring_uri={}, tags={}, "
                "properties={}, created_by={})".format(type(self).__name__, self.workspace, self.name, self.image_id,
                                                       self.compute_type, self.state, self.scoring_uri, self.tags,
                                                       self.properties, self.created_by))

    def __eq__(self, other):
        return isinstance(other, Webservice) and (other.name, other.workspace) == (self.name, self.workspace)

    def __hash__(self):
        return hash(self.name)

    # -- listing -----------------------------------------------------------------------------------

    @staticmethod
    def list(workspace, compute_type=None, image_name=None, image_id=None, model_name=None, model_id=None,
             tags=None, properties=None, image_digest=None):
        """The workspace's web services (every Loom endpoint), filtered by ``compute_type`` (``ACI``,
        ``Local``, ``AKS``), ``model_name``, ``model_id`` (``name:version``) and ``tags`` (a list of
        ``"key"`` or ``["key", "value"]``, or a dict). ``image_*`` and ``properties`` match nothing on
        Loom when given."""
        if image_name or image_id or image_digest or properties:
            return []
        client = workspace._require_client()
        try:
            endpoints = client.list_endpoints(workspace.name)
        except LoomError as error:
            raise WebserviceException._from(error) from error
        services = []
        for endpoint in endpoints:
            try:
                deployments = client.list_deployments(endpoint["name"], workspace.name)
            except NotFoundError:
                continue
            except LoomError as error:
                raise WebserviceException._from(error) from error
            service = Webservice._from_docs(workspace, endpoint, deployments)
            if compute_type and service.compute_type.lower() != str(compute_type).lower():
                continue
            models = [m for d in deployments for m in d.get("models") or ()]
            if model_name and not any(m.split(":")[0] == model_name for m in models):
                continue
            if model_id and model_id not in models:
                continue
            if not _tags_match(service.tags, tags):
                continue
            services.append(service)
        return services

    # -- state -----------------------------------------------------------------------------------

    def update_deployment_state(self):
        """Refresh the service's state (and everything else) from the server."""
        self._load(self.workspace, *_fetch(self.workspace, self.name), deployment_name=self.deployment_name)

    def wait_for_deployment(self, show_output=False, timeout_sec=None):
        """Wait until the service's deployment is proven (``Healthy``) or its proof failed.

        With ``show_output``, prints the progress and, on failure, the workers' init log. Raises
        WebserviceException when it failed (the message holds the error and says where the log
        is) or ``timeout_sec`` passed."""
        if self.deployment_name is None:
            self.update_deployment_state()
            if self.deployment_name is None:
                raise WebserviceException("Long running operation information not known, unable to poll. "
                                          "Current state is {}".format(self.state))
        if show_output:
            print("Tips: the service is proven when every worker's init() returned and a sample request was "
                  "answered; service.get_logs() shows its log meanwhile.")
        deadline = None if timeout_sec is None else time.monotonic() + timeout_sec
        wanted = getattr(self, "_expected_generation", None)
        delay, last_dot = 0.2, time.monotonic()
        doc = self._get_deployment()
        current = _OPERATION.get(doc.get("state"), doc.get("state"))
        if show_output:
            sys.stdout.write(current)
            sys.stdout.flush()
        while doc.get("state") == "Updating" or (doc.get("state") == "Succeeded" and wanted is not None
                                                  and (doc.get("generation") or 0) < wanted):
            if deadline is not None and time.monotonic() > deadline:
                if show_output:
                    sys.stdout.write("\n")
                self.update_deployment_state()
                raise WebserviceException(
                    "Deployment polling reached the timeout of {} s; the service is still {}.".format(
                        timeout_sec, self.state))
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)
            doc = self._get_deployment()
            state = _OPERATION.get(doc.get("state"), doc.get("state"))
            if show_output:
                if time.monotonic() - last_dot >= 1.0:
                    sys.stdout.write(".")
                    last_dot = time.monotonic()
                if state != current:
                    sys.stdout.write("\n" + state)
                current = state
                sys.stdout.flush()
        if show_output:
            sys.stdout.write("\n")
            sys.stdout.flush()
        self._expected_generation = None
        self.update_deployment_state()
        operation = _OPERATION.get(doc.get("state"), doc.get("state"))
        if doc.get("state") != "Succeeded":
            log = doc.get("initLog")
            if not log:
                try:
                    log = "\n".join(self._client.deployment_logs(self.name, self.deployment_name, 200,
                                                                 self.workspace.name))
                except LoomError:
                    log = ""
            if show_output and log:
                print("Init log of deployment {}/{}:".format(self.name, self.deployment_name))
                print(log.rstrip("\n"))
            error = {"code": "DeploymentFailed", "statusCode": 400,
                     "message": doc.get("error") or "The deployment failed."}
            message = ("Service deployment polling reached non-successful terminal state, current service state: "
                       "{}\nOperation ID: {}/{}/{}\nMore information can be found using '.get_logs()'\nError:\n"
                       "{}".format(self.state, self.name, self.deployment_name, doc.get("generation"),
                                   json.dumps(error, indent=4)))
            if log and not show_output:
                message += "\nInit log (last lines):\n" + "\n".join(log.rstrip("\n").splitlines()[-40:])
            raise WebserviceException(message, code="deployment_failed", detail=doc.get("error"),
                                      body={"deployment": doc})
        if show_output:
            print('{} service creation operation finished, operation "{}"'.format(
                self._webservice_type or "Loom", operation))

    def _get_deployment(self):
        try:
            return self._client.get_deployment(self.name, self.deployment_name, self.workspace.name)
        except LoomError as error:
            raise WebserviceException._from(error) from error

    # -- calling it ------------------------------------------------------------------------------

    def run(self, input_data):
        """Score ``input_data`` (a JSON string or bytes, as v1 sends it; other values are sent as
        JSON) and return the answer: the decoded JSON, else the text. Raises WebserviceException
        (``status_code``: the HTTP status) when the service answers an error."""
        if not self.scoring_uri:
            raise WebserviceException(
                "Error attempting to call webservice, scoring_uri unavailable. This could be due to a failed "
                "deployment, or the service is not ready yet.\nCurrent State: {}\nErrors: {}".format(
                    self.state, self.error))
        for attempt in (0, 1):
            credential = self._credential(refresh=attempt == 1)
            try:
                response = _client.score(self.scoring_uri, input_data, key=credential, timeout=self._run_timeout())
                break
            except UnauthorizedError as error:   # keys changed since they were read: read them again once
                if attempt == 1:
                    raise _bad_response(error) from error
            except LoomError as error:
                raise _bad_response(error) from error
        value = _client.decode_score(response)
        if isinstance(value, bytes):
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                return value
        return value

    def _run_timeout(self):
        """Seconds to wait for an answer: longer than the deployment's own request timeout, so that
        its 504 ``scoring_timeout`` arrives rather than a socket timeout."""
        limit_ms = (self.deployment or {}).get("requestTimeoutMs") or 60000
        return max(self._client.http.timeout, limit_ms / 1000.0 + 30.0)

    def _credential(self, refresh=False):
        if self.token_auth_enabled:
            return self._client.http.token
        if refresh or getattr(self, "_keys", None) is None:
            self._keys = self.get_keys()
        return self._keys[0]

    def get_keys(self):
        """The service's keys: ``(primary, secondary)``."""
        if self.token_auth_enabled:
            raise WebserviceException("Error, the service {} uses token auth, not keys: call get_access_token() "
                                      "(a Loom token with Reader in the workspace).".format(self.name))
        try:
            keys = self._client.endpoint_keys(self.name, self.workspace.name)
        except LoomError as error:
            raise WebserviceException._from(
                error, "Received bad response from Loom while getting the keys of {}: {}".format(self.name, error)) \
                from error
        self._keys = (keys.get("primaryKey"), keys.get("secondaryKey"))
        return self._keys

    def regen_key(self, key, set_key=None):
        """Regenerate the ``"Primary"`` or ``"Secondary"`` key (``set_key`` is not supported: Loom
        generates keys)."""
        if str(key).lower() not in ("primary", "secondary"):
            raise WebserviceException('Error, key must be "Primary" or "Secondary".')
        if set_key is not None:
            raise WebserviceException("Error, Loom generates an endpoint's keys: set_key is not supported.")
        try:
            self._client.regenerate_endpoint_key(self.name, str(key).lower(), self.workspace.name)
        except LoomError as error:
            raise WebserviceException._from(error) from error
        self._keys = None

    def get_access_token(self):
        """For a token-auth service: the Loom token this workspace connection uses."""
        if not self.token_auth_enabled:
            raise WebserviceException("Error, the service {} uses key auth: call get_keys().".format(self.name))
        now = datetime.datetime.now(datetime.timezone.utc)
        return WebserviceAccessToken(self._client.http.token, refresh_after=now + datetime.timedelta(hours=1),
                                     expiry_on=None)

    def get_token(self):
        """v1's older form of :meth:`get_access_token`: ``(token, refresh_after)``."""
        token = self.get_access_token()
        return token.access_token, token.refresh_after

    def get_logs(self, num_lines=5000, init=False):
        """The deployment's recent log (workers' init output, errors), as text."""
        if self.deployment_name is None:
            return ""
        try:
            lines = self._client.deployment_logs(self.name, self.deployment_name, num_lines, self.workspace.name)
        except LoomError as error:
            raise WebserviceException._from(error) from error
        return "\n".join(lines)

    # -- changing it -----------------------------------------------------------------------------

    def update(self, *args, **kwargs):
        """Change the service: ``models``, ``inference_config`` (a new generation of its deployment,
        proven while the current one keeps serving: call ``wait_for_deployment()``), ``tags``,
        ``description``; other v1 arguments of the service's type (see its ``update``)."""
        return self._update(**_named(("image", "tags", "properties", "description", "auth_enabled", "ssl_enabled",
                                      "ssl_cert_pem_file", "ssl_key_pem_file", "ssl_cname", "enable_app_insights",
                                      "models", "inference_config"), args, kwargs))

    def _update(self, models=None, inference_config=None, tags=None, description=None, auth_enabled=None,
                token_auth_enabled=None, deployment_settings=None, recorded=None, properties=None, **ignored):
        image = ignored.pop("image", None)
        if image is not None:
            raise WebserviceException("Error, Loom deploys models with an inference_config, not images ({}).".format(
                image))
        given = [models, inference_config, tags, description, auth_enabled, token_auth_enabled, properties] + \
            [v for v in ignored.values()]
        if all(v is None for v in given) and not deployment_settings and not recorded:
            raise WebserviceException("No parameters provided to update.")
        if auth_enabled is not None and bool(auth_enabled) != self.auth_enabled:
            raise WebserviceException("Error, a Loom endpoint keeps the auth it was created with ({}); delete the "
                                      "service and deploy it again to change auth_enabled.".format(
                                          "keys" if self.auth_enabled else "token"))
        if token_auth_enabled is not None and bool(token_auth_enabled) != self.token_auth_enabled:
            raise WebserviceException("Error, a Loom endpoint keeps the auth it was created with; delete the service "
                                      "and deploy it again to change token_auth_enabled.")
        if properties:
            print("Loom keeps no properties on a web service: properties are ignored.")
        client, ws = self._client, self.workspace.name
        try:
            if tags is not None or description is not None or recorded:
                current = dict(self.endpoint.get("tags") or {})
                merged = {k: v for k, v in current.items() if k.startswith(RESERVED_TAG_PREFIX)}
                merged.update(_strings(tags) if tags is not None else self.tags)
                for key, value in (recorded or {}).items():
                    if value is not None:
                        merged[RESERVED_TAG_PREFIX + key] = str(value)
                client.update_endpoint(self.name, description=description, tags=merged, workspace=ws)
            fields = dict(deployment_settings or {})
            if models is not None:
                fields["models"] = _model_ids(models)
            if inference_config is not None:
                fields.update(_source_fields(self.workspace, self.name, inference_config))
            if fields:
                if self.deployment_name is None:
                    raise WebserviceException("Error, the service {} has no deployment to update.".format(self.name))
                doc = client.update_deployment(self.name, self.deployment_name, workspace=ws, **fields)
                self._expected_generation = doc.get("generation")
        except LoomError as error:
            raise WebserviceException._from(error) from error
        self.update_deployment_state()

    def delete(self):
        """Delete the service: the endpoint, its deployments and their workers."""
        try:
            self._client.delete_endpoint(self.name, self.workspace.name)
        except NotFoundError:
            print("No service with name {} found to delete.".format(self.name))
        except LoomError as error:
            raise WebserviceException._from(error) from error
        self.state = "Deleted"

    def serialize(self):
        """The service as a JSON-ready dict with v1's keys."""
        return {"name": self.name, "description": self.description, "tags": self.tags,
                "properties": self.properties, "state": self.state,
                "createdTime": self.created_time.isoformat() if self.created_time else None,
                "updatedTime": self.updated_time.isoformat() if self.updated_time else None,
                "error": self.error, "computeType": self.compute_type, "workspaceName": self.workspace.name,
                "imageId": None, "scoringUri": self.scoring_uri, "swaggerUri": self.swagger_uri,
                "authEnabled": self.auth_enabled, "tokenAuthEnabled": self.token_auth_enabled,
                "models": list(self._model_ids), "entryScript": self.entry_script,
                "environment": self._environment_ref, "deploymentName": self.deployment_name}

    @staticmethod
    def deserialize(workspace, webservice_payload):
        """The service a :meth:`serialize` dict names, read again from the server."""
        return Webservice(workspace, webservice_payload["name"])

    # -- deploying (Model.deploy) ------------------------------------------------------------------

    @staticmethod
    def _deploy(workspace, name, models, inference_config, deployment_config, deployment_target, overwrite,
                show_output):
        from .aci import AciWebservice
        from ..model import InferenceConfig
        if not name:
            raise WebserviceException("Error, a service name is required.")
        if models is None or (isinstance(models, (list, tuple)) and not models):
            raise WebserviceException("Error, at least one model must be provided.")
        if inference_config is not None and not isinstance(inference_config, InferenceConfig):
            raise WebserviceException("Error, inference_config must be an InferenceConfig.")
        config = deployment_config if deployment_config is not None else AciWebservice.deploy_configuration()
        if not isinstance(config, WebserviceDeploymentConfiguration):
            raise WebserviceException("Error, deployment_config must be a deployment configuration "
                                      "(AciWebservice.deploy_configuration(), LocalWebservice.deploy_configuration()...).")
        config.validate_configuration()
        config._warn_unsupported()
        client, ws = workspace._require_client(), workspace.name
        auth_mode = config._auth_mode()
        tags = _strings(config.tags) or {}
        tags.update(config._reserved_tags())
        model_ids = _model_ids(models)
        try:
            existing = client.get_endpoint(name, ws)
        except NotFoundError:
            existing = None
        except LoomError as error:
            raise WebserviceException._from(error) from error
        if existing is not None and not overwrite:
            raise WebserviceException("Error, there is already a service with name {} found in workspace {}".format(
                name, ws), status=409, code="endpoint_exists")
        try:
            source = _source_fields(workspace, name, inference_config) if inference_config is not None else {}
            settings = dict(config._deployment_settings())
            if existing is not None and existing.get("authMode", "key") != auth_mode:
                client.delete_endpoint(name, ws)    # a Loom endpoint keeps its auth: make it anew
                existing = None
            created = existing is None
            if created:
                client.create_endpoint(name, auth_mode=auth_mode, description=config.description, tags=tags,
                                       workspace=ws)
                deployments = []
            else:
                client.update_endpoint(name, description=config.description, tags=tags, workspace=ws)
                deployments = client.list_deployments(name, ws)
            target = _primary((existing or {}).get("traffic") or {}, deployments) or DEFAULT_DEPLOYMENT
            try:
                if any(d.get("name") == target for d in deployments):
                    doc = client.update_deployment(name, target, models=model_ids, workspace=ws,
                                                   **_merge(settings, source))
                else:
                    doc = client.create_deployment(name, target, model_ids, workspace=ws, **source, **settings)
            except LoomError:
                if created:
                    try:
                        client.delete_endpoint(name, ws)
                    except LoomError:
                        pass
                raise
            endpoint = client.get_endpoint(name, ws)
            deployments = client.list_deployments(name, ws)
        except LoomError as error:
            raise WebserviceException._from(error) from error
        service = Webservice._from_docs(workspace, endpoint, deployments, target)
        service._expected_generation = doc.get("generation")
        if show_output:
            service.wait_for_deployment(show_output=True)
        return service


# -- helpers ---------------------------------------------------------------------------------------

def _fetch(workspace, name):
    """``(endpoint, deployments)`` of service ``name``; WebserviceException when there is none."""
    client = workspace._require_client()
    try:
        endpoint = client.get_endpoint(name, workspace.name)
        deployments = client.list_deployments(name, workspace.name)
    except NotFoundError as error:
        raise WebserviceException._from(
            error, "WebserviceNotFound: Webservice with name {} not found in provided workspace".format(name)) \
            from error
    except LoomError as error:
        raise WebserviceException._from(error) from error
    return endpoint, deployments


def _primary(traffic, deployments):
    """The deployment a v1 service stands for: the one taking the most traffic, else ``default``,
    else the newest; None when there is none."""
    names = [d.get("name") for d in deployments]
    weighted = [(w, n) for n, w in (traffic or {}).items() if n in names and w]
    if weighted:
        return max(weighted)[1]
    if DEFAULT_DEPLOYMENT in names:
        return DEFAULT_DEPLOYMENT
    if deployments:
        return max(deployments, key=lambda d: d.get("createdTime") or "").get("name")
    return None


def _model_ids(models):
    from ..model import Model
    if isinstance(models, (Model, str)):
        models = [models]
    ids = []
    for model in models:
        if isinstance(model, Model):
            ids.append(model.id)
        elif isinstance(model, str):
            ids.append(model)
        else:
            raise WebserviceException("Error, models must be Model objects (or 'name:version'), got {!r}".format(model))
    return ids


def _source_fields(workspace, name, inference_config):
    """The deployment fields of an InferenceConfig: snapshotId, entryScript, environment."""
    import os
    import shutil
    import tempfile
    client = workspace._require_client()
    config = inference_config
    environment = _environment_reference(workspace, name, config)
    if config.source_directory is not None and not os.path.isabs(config.entry_script):
        folder, script = config.source_directory, config.entry_script
        snapshot = client.snapshot_source(folder, script, workspace.name)
    else:   # the script alone, as v1 uploads it without a source directory
        temp = tempfile.mkdtemp(prefix="loom-entry-")
        try:
            script = os.path.basename(config.entry_script)
            shutil.copy2(config.entry_script, os.path.join(temp, script))
            snapshot = client.snapshot_source(temp, script, workspace.name)
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    return {"snapshot_id": snapshot["id"], "entry_script": script, "environment": environment}


def _environment_reference(workspace, name, config):
    import os
    if config.environment is not None:
        return config.environment._reference(workspace)
    if config.conda_file:
        from ..environment import Environment
        path = config.conda_file
        if config.source_directory is not None and not os.path.isabs(path) \
                and os.path.isfile(os.path.join(config.source_directory, path)):
            path = os.path.join(config.source_directory, path)
        return Environment.from_conda_specification(name + "-env", path)._reference(workspace)
    return None     # the system environment


def _merge(*dicts):
    merged = {}
    for d in dicts:
        merged.update(d)
    return merged


def _strings(values):
    if not values:
        return {}
    return {str(k): v if isinstance(v, str) else str(v) for k, v in values.items()}


def _tags_match(have, wanted):
    if not wanted:
        return True
    items = wanted.items() if isinstance(wanted, dict) else [
        (w[0], w[1] if len(w) > 1 else None) if isinstance(w, (list, tuple)) else (w, None) for w in wanted]
    return all(k in have and (v is None or str(have[k]) == str(v)) for k, v in items)


def _named(names, args, kwargs):
    if len(args) > len(names):
        raise TypeError("update() takes at most {} positional arguments".format(len(names)))
    named = dict(zip(names, args))
    for key in kwargs:
        if key in named:
            raise TypeError("update() got multiple values for argument {!r}".format(key))
    named.update(kwargs)
    return named


def _bad_response(error):
    content = error.body if isinstance(error.body, str) else json.dumps(error.body)
    return WebserviceException._from(
        error, "Received bad response from service. More information can be found by calling `.get_logs()` on "
        "the webservice object.\nResponse Code: {}\nContent: {}".format(error.status, content))


def _parse_time(text):
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
