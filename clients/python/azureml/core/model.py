"""``azureml.core.Model`` for Loom: Azure ML v1's model registry API on Loom's.

As in v1: ``Model.register(ws, model_path, model_name, tags=..., description=...)`` uploads a local
file or folder; ``run.register_model(model_name, model_path="outputs/model.pkl")`` registers a run's
files; ``Model(ws, name, version=)`` gets a model (the latest version without ``version``);
``model.download(target_dir)``, ``Model.list(ws, ...)``, ``model.add_tags``/``remove_tags``,
``model.delete()``; ``Model.deploy(ws, name, [model], InferenceConfig(...), deployment_config)`` (see
:mod:`azureml.core.webservice`); and, inside a scoring script, ``Model.get_model_path(name)``. Files are stored
under the registered path's last name (``outputs/model.pkl`` as ``model.pkl``, folder ``model`` as
``model/...``), so a v1 scoring script finds them where it did on Azure ML.
"""

import datetime
import os
import re
import urllib.parse

from loom import ConflictError, LoomError, NotFoundError
from loom import _env

from ..exceptions import ModelNotFoundException, UserErrorException, WebserviceException

__all__ = ["Model", "InferenceConfig"]

# Azure ML v1's local model cache (a deployment's app root holds ``azureml-models/<name>/<version>``).
MODELS_DIR = os.path.join(os.environ.get("AML_APP_ROOT", ""), "azureml-models")
_MODEL_DIR_VARIABLES = ("LOOM_MODEL_DIR", "AZUREML_MODEL_DIR")
_VERSION_DIR = re.compile(r"^[0-9]+$")


class Model:
    """A registered model version of a workspace (``Model(workspace, name, version=None)``).

    The constructor gets a model: by ``id`` (``name:version``), by ``name`` and ``version``, or the
    latest version of ``name`` that matches ``tags``, ``properties``, ``run_id`` and
    ``model_framework``. Raises WebserviceException (``ModelNotFound: ...``) when there is none.

    Attributes (read-only, as in v1): ``name``, ``version``, ``id``, ``tags``, ``properties``,
    ``description``, ``created_time``, ``model_framework`` (also ``framework``),
    ``model_framework_version`` (also ``framework_version``), ``run_id``, ``run``,
    ``experiment_name``, ``workspace``, ``url``.
    """

    class Framework:
        """The framework names Azure ML v1 defines (any string is accepted)."""

        CUSTOM = "Custom"
        TENSORFLOW = "TensorFlow"
        SCIKITLEARN = "ScikitLearn"
        ONNX = "Onnx"
        TFKERAS = "TfKeras"
        PYTORCH = "PyTorch"

    def __init__(self, workspace, name=None, id=None, tags=None, properties=None, version=None,
                 run_id=None, model_framework=None, expand=True, **kwargs):
        self.created_by = None
        self.created_time = None
        self.description = None
        self.id = None
        self.mime_type = None
        self.name = None
        self.model_framework = None
        self.model_framework_version = None
        self.tags = None
        self.properties = None
        self.unpack = False
        self.url = None
        self.version = None
        self.workspace = None
        self.run_id = None
        self.parent_id = None
        self.derived_model_ids = None
        self.datasets = {}
        self.sample_input_dataset = None
        self.sample_output_dataset = None
        self.resource_configuration = None
        self.files = []
        self._doc = None
        self._run = None
        self._experiment_name = None
        doc = kwargs.get("_model_dto") or kwargs.get("_doc")
        if doc:
            self._initialize(workspace, doc)
        elif workspace is not None:
            doc = Model._get(workspace, name, id, tags, properties, version, model_framework, run_id)
            if not doc:
                raise WebserviceException(_not_found_message(name, id, tags, properties, version, run_id,
                                                             model_framework), status=404,
                                          code="model_not_found")
            self._initialize(workspace, doc)

    def _initialize(self, workspace, doc):
        self._doc = doc
        self.workspace = workspace
        self.name = doc.get("name")
        self.version = doc.get("version")
        self.id = "%s:%s" % (self.name, self.version)
        self.description = doc.get("description")
        self.tags = dict(doc.get("tags") or {})
        self.properties = dict(doc.get("properties") or {})
        self.model_framework = doc.get("framework") or Model.Framework.CUSTOM
        self.model_framework_version = doc.get("frameworkVersion")
        self.run_id = doc.get("runId")
        self.created_time = _parse_time(doc.get("createdTime"))
        self.created_by = doc.get("createdBy")
        self.mime_type = "application/octet-stream"
        self.files = list(doc.get("files") or [])
        client = workspace.client if workspace is not None else None
        if client is not None:
            self.url = "%s/api/v1/workspaces/%s/models/%s/versions/%s" % (
                client.tracking_uri, urllib.parse.quote(workspace.name, safe=""),
                urllib.parse.quote(self.name, safe=""), self.version)

    # -- v1 attribute aliases ----------------------------------------------------------------

    @property
    def framework(self):
        """The model's framework (``model_framework``)."""
        return self.model_framework

    @property
    def framework_version(self):
        """The model's framework version (``model_framework_version``)."""
        return self.model_framework_version

    @property
    def run(self):
        """The :class:`azureml.core.Run` the model was registered from, or None."""
        if self._run is None and self.run_id and self.workspace is not None:
            from .run import Run
            try:
                self._run = Run.get(self.workspace, self.run_id)
            except LoomError:
                return None
        return self._run

    @property
    def experiment_name(self):
        """The experiment of the run the model was registered from, or None."""
        if self._experiment_name is None and self.run_id and self.workspace is not None:
            try:
                self._experiment_name = self.workspace._require_client().get_run(
                    self.run_id, self.workspace.name).get("experiment")
            except LoomError:
                return None
        return self._experiment_name

    def __repr__(self):
        return "%s(workspace=%r, name=%s, id=%s, version=%s, tags=%s, properties=%s)" % (
            type(self).__name__, self.workspace, self.name, self.id, self.version, self.tags, self.properties)

    def __eq__(self, other):
        return isinstance(other, Model) and (other.id, other.workspace) == (self.id, self.workspace)

    def __hash__(self):
        return hash(self.id)

    # -- getting -----------------------------------------------------------------------------

    @staticmethod
    def _get(workspace, name=None, id=None, tags=None, properties=None, version=None,
             model_framework=None, run_id=None):
        """The model document the constructor's arguments select, or None."""
        if not id and not name:
            raise WebserviceException("Error, one of id or name must be provided.")
        client = workspace._require_client()
        if id:
            name, _, version = str(id).rpartition(":") if ":" in str(id) else (str(id), "", None)
        try:
            if version is not None:
                doc = client.get_model(name, version, workspace.name)
                return doc if _matches(doc, tags, properties, run_id, model_framework) else None
            if not (tags or properties or run_id or model_framework):
                return client.get_model(name, None, workspace.name)
            candidates = [d for d in client.list_models(name=name, tags=_tag_dict(tags), all_versions=True,
                                                         workspace=workspace.name)
                          if d.get("name") == name and _matches(d, tags, properties, run_id, model_framework)]
        except NotFoundError:
            return None
        except LoomError as error:
            raise WebserviceException._from(error) from error
        return max(candidates, key=lambda d: d.get("version") or 0) if candidates else None

    @staticmethod
    def list(workspace, name=None, tags=None, properties=None, run_id=None, latest=False, dataset_id=None,
             expand=True, page_count=255, model_framework=None):
        """The workspace's models: every version, or only the latest of each name with ``latest``,
        filtered by ``name``, ``tags`` and ``properties`` (lists of ``"key"`` or ``["key", "value"]``,
        or a dict), ``run_id`` and ``model_framework``."""
        if tags is not None and not isinstance(tags, (list, tuple, dict)):
            raise UserErrorException('Expected tags must be list type. Ex. ["key", ["key2", "key2 value"]]: '
                                     'provided {0}'.format(type(tags)))
        client = workspace._require_client()
        try:
            if run_id is not None:
                docs = client.get_run_models(run_id, workspace.name)
                if latest:
                    newest = {}
                    for doc in docs:
                        if doc.get("version", 0) >= newest.get(doc.get("name"), {}).get("version", 0):
                            newest[doc.get("name")] = doc
                    docs = [d for d in docs if newest.get(d.get("name")) is d]
            else:
                docs = client.list_models(name=name, tags=_tag_dict(tags), all_versions=not latest,
                                          workspace=workspace.name)
        except NotFoundError:
            return []
        except LoomError as error:
            raise WebserviceException._from(error) from error
        return [Model(workspace, _doc=doc) for doc in docs
                if (name is None or doc.get("name") == name)
                and _matches(doc, tags, properties, run_id, model_framework)]

    # -- registering -------------------------------------------------------------------------

    @staticmethod
    def register(workspace, model_path, model_name, tags=None, properties=None, description=None,
                 datasets=None, model_framework=None, model_framework_version=None, child_paths=None,
                 sample_input_dataset=None, sample_output_dataset=None, resource_configuration=None):
        """Register local file or folder ``model_path`` as the next version of ``model_name`` and
        return the :class:`Model`. With ``child_paths`` only those files or sub-folders of a folder
        are taken. Only contents the server does not hold yet are uploaded."""
        if model_framework is None and model_framework_version is not None:
            raise WebserviceException("Model framework version cannot be provided without a valid framework")
        if model_path is None or not os.path.exists(model_path):
            raise WebserviceException('Error, provided model path "{}" cannot be found'.format(model_path))
        for child in child_paths or ():
            if not os.path.exists(os.path.join(model_path, child)):
                raise WebserviceException('Error, provided child path "{}" cannot be found'.format(child))
        _check_dict("Tags", tags)
        _check_dict("Properties", properties)
        client = workspace._require_client()
        print("Registering model {}".format(model_name))
        try:
            doc = client.register_model(
                model_name, model_path, description=description, tags=_strings(tags),
                properties=_strings(properties), framework=model_framework or Model.Framework.CUSTOM,
                framework_version=model_framework_version, child_paths=child_paths, workspace=workspace.name)
        except LoomError as error:
            raise WebserviceException._from(error) from error
        except (OSError, ValueError) as error:
            raise WebserviceException(str(error)) from error
        return Model(workspace, _doc=doc)

    @staticmethod
    def _register_from_run(run, model_name, model_path, tags, properties, model_framework,
                           model_framework_version, description):
        """``run.register_model``: the run's file or folder ``model_path`` (default ``model_name``)."""
        from ..exceptions import ModelPathNotFoundException
        if model_framework is None and model_framework_version is not None:
            raise WebserviceException("Model framework version cannot be provided without a valid framework")
        _check_dict("Tags", tags)
        _check_dict("Properties", properties)
        workspace = run.experiment.workspace
        client = workspace._require_client()
        path, found = run._model_source(model_name, model_path)
        if not found:
            raise ModelPathNotFoundException(
                "Could not locate the provided model_path {} in the set of files uploaded to the run: {} "
                "See https://aka.ms/run-logging for more details.".format(path, run.get_file_names()))
        try:
            doc = client.register_model(
                model_name, path, run_id=run.id, description=description, tags=_strings(tags),
                properties=_strings(properties), framework=model_framework or Model.Framework.CUSTOM,
                framework_version=model_framework_version, workspace=workspace.name)
        except LoomError as error:
            raise WebserviceException._from(error) from error
        model = Model(workspace, _doc=doc)
        model._run = run
        return model

    # -- files -------------------------------------------------------------------------------

    def download(self, target_dir=".", exist_ok=False, exists_ok=None):
        """Download the model's files under ``target_dir`` and return the model's path there: the
        file of a one-file model, else the folder holding its files. Raises WebserviceException
        when a file exists and ``exist_ok`` is False."""
        if exists_ok is not None:
            exist_ok = exists_ok
        try:
            return self.workspace._require_client().download_model(
                self.name, self.version, target_dir, exist_ok=bool(exist_ok), workspace=self.workspace.name)
        except FileExistsError as error:
            raise WebserviceException(str(error)) from error
        except LoomError as error:
            raise WebserviceException._from(error) from error

    def get_sas_urls(self):
        """``{stored path: URL}`` of the model's files (Loom's URLs need the workspace token)."""
        client = self.workspace._require_client()
        base = self.url + "/files/"
        return {f["path"]: base + urllib.parse.quote(f["path"], safe="/")
                for f in client.list_model_files(self.name, self.version, self.workspace.name)}

    @staticmethod
    def get_model_path(model_name, version=None, _workspace=None):
        """The local path of a model's file or folder.

        In a deployment (``AZUREML_MODEL_DIR`` or ``LOOM_MODEL_DIR`` set) it resolves there: with one
        model the folder holds that model's files (``$AZUREML_MODEL_DIR/model.pkl``); with several,
        ``<name>/<version>/...`` (the highest version when ``version`` is None). Otherwise, as in v1:
        the ``azureml-models/<name>/<version>/`` cache, then ``./<model_name>``, and with a workspace
        (``_workspace``, or the run's own inside a submitted run) the model is downloaded into that
        cache. The path is the model's single file or folder (the version folder when it holds
        several). Raises ModelNotFoundException when the model is nowhere.
        """
        if version is not None and not isinstance(version, int):
            raise WebserviceException("version should be an int")
        deployed = _deployed_model_path(model_name, version)
        if deployed is not None:
            return deployed
        active_workspace = _workspace
        if active_workspace is None and not _model_dir():
            active_workspace = _context_workspace()
        if version is not None:
            try:
                return _local_model_path(model_name, version)
            except ModelNotFoundException:
                if active_workspace is None:
                    raise
                return Model._get_model_path_remote(model_name, version, active_workspace)
        if active_workspace is not None:
            return Model._get_model_path_remote(model_name, version, active_workspace)
        return _local_model_path(model_name, version)

    @staticmethod
    def _get_model_path_remote(model_name, version, workspace):
        try:
            model = Model(workspace, name=model_name, version=version)
        except WebserviceException as error:
            if "ModelNotFound" not in str(error):
                raise
            known = sorted("{}/{}".format(m.name, m.version) for m in Model.list(workspace))
            raise ModelNotFoundException("Model/Version {}/{} not found in workspace. {}".format(
                model_name, version, known)) from error
        target_dir = os.path.join(MODELS_DIR, model_name, str(model.version))
        path = model.download(target_dir, exist_ok=True)
        if not os.path.exists(path):
            raise ModelNotFoundException("Expected model path does not exist: {}. Found items in dir: {}".format(
                path, os.listdir(target_dir)))
        return path

    # -- changing ----------------------------------------------------------------------------

    def _patch(self, tags=None, remove_tags=None, description=None):
        try:
            doc = self.workspace._require_client().update_model(
                self.name, self.version, tags=_strings(tags), remove_tags=remove_tags, description=description,
                workspace=self.workspace.name)
        except LoomError as error:
            raise WebserviceException._from(error) from error
        self._initialize(self.workspace, doc)

    def update(self, tags=None, description=None, sample_input_dataset=None, sample_output_dataset=None,
               resource_configuration=None):
        """Replace the model's tags (when given) and description (when given)."""
        _check_dict("Tags", tags)
        removed = None
        if tags:
            try:
                current = self.workspace._require_client().get_model(self.name, self.version, self.workspace.name)
            except LoomError as error:
                raise WebserviceException._from(error) from error
            removed = [k for k in current.get("tags") or {} if k not in tags]
        if tags or description:
            self._patch(tags=tags or None, remove_tags=removed or None, description=description or None)

    def update_tags_properties(self, add_tags=None, remove_tags=None, add_properties=None):
        """Add tags, remove tag keys and add properties in one update."""
        if isinstance(remove_tags, str):
            remove_tags = [remove_tags]
        for key in remove_tags or ():
            if key not in (self.tags or {}):
                print("Tag with key {} not found.".format(key))
        if add_properties:
            added = {k: v for k, v in add_properties.items() if (self.properties or {}).get(k) != v}
            if added:
                raise WebserviceException(
                    "Loom keeps a model's properties as they were registered; cannot add {}".format(
                        sorted(added)))
        if add_tags or remove_tags:
            self._patch(tags=add_tags or None, remove_tags=list(remove_tags) if remove_tags else None)

    def add_tags(self, tags):
        """Add (or change) tags of this model version."""
        _check_dict("Tags", tags)
        self.update_tags_properties(add_tags=tags)
        print("Model tag add operation complete.")

    def remove_tags(self, tags):
        """Remove the tags with the keys ``tags`` (a list) from this model version."""
        self.update_tags_properties(remove_tags=tags)
        print("Model tag remove operation complete.")

    def add_properties(self, properties):
        """Properties are fixed at registration on Loom: adding one that is not already set
        raises WebserviceException."""
        self.update_tags_properties(add_properties=properties)
        print("Model properties add operation complete.")

    def delete(self):
        """Delete this model version (refused while a deployment uses it)."""
        try:
            self.workspace._require_client().delete_model(self.name, self.version, self.workspace.name)
        except ConflictError as error:
            raise WebserviceException._from(
                error, "The model {} cannot be deleted because it is in use: {}".format(
                    self.id, error.detail or error)) from error
        except LoomError as error:
            raise WebserviceException._from(error) from error

    # -- deploying ---------------------------------------------------------------------------

    @staticmethod
    def deploy(workspace, name, models, inference_config=None, deployment_config=None, deployment_target=None,
               overwrite=False, show_output=False):
        """Deploy ``models`` as web service ``name`` and return its :class:`~azureml.core.webservice.Webservice`
        (state ``Transitioning``; call ``service.wait_for_deployment(show_output=True)``).

        On Loom the service is an online endpoint ``name`` with one deployment, ``default``: the
        ``inference_config``'s source folder is uploaded as a snapshot, its entry script and
        environment (the ``system`` environment when none is given) run in Loom's Python workers.
        ``deployment_config`` (``AciWebservice``/``LocalWebservice``/``AksWebservice.deploy_configuration()``,
        default ACI's) chooses the endpoint's auth (see there); ``deployment_target`` is ignored.
        Without ``inference_config`` the deployment is no-code (an ONNX model). An existing service
        ``name`` is an error unless ``overwrite``, which updates it in place (same keys and URI).
        """
        from .webservice.webservice import Webservice
        return Webservice._deploy(workspace, name, models, inference_config, deployment_config, deployment_target,
                                  overwrite, show_output)

    # -- (de)serializing ---------------------------------------------------------------------

    def serialize(self):
        """The model as a JSON-ready dict with Azure ML v1's keys."""
        return {"createdTime": self.created_time.isoformat() if self.created_time else None,
                "createdBy": self.created_by, "description": self.description, "id": self.id,
                "mimeType": self.mime_type, "name": self.name, "framework": self.model_framework,
                "frameworkVersion": self.model_framework_version, "tags": self.tags,
                "properties": self.properties, "unpack": self.unpack, "url": self.url, "version": self.version,
                "experimentName": self.experiment_name, "runId": self.run_id, "datasets": [],
                "resourceConfiguration": None, "sampleInputDatasetId": None, "sampleOutputDatasetId": None}

    @staticmethod
    def deserialize(workspace, model_payload):
        """A Model from a dict :meth:`serialize` made (or a Loom model document)."""
        doc = dict(model_payload)
        if "name" not in doc and doc.get("id"):
            doc["name"], _, doc["version"] = doc["id"].rpartition(":")
        if isinstance(doc.get("version"), str) and doc["version"].isdigit():
            doc["version"] = int(doc["version"])
        return Model(workspace, _doc=doc)


class InferenceConfig:
    """How a deployed model is served: ``InferenceConfig(entry_script="score.py",
    source_directory="src", environment=env)``.

    ``entry_script`` (a path inside ``source_directory`` when that is given, else a file, uploaded
    alone) defines ``init()`` and ``run(raw_data)``. ``environment``: an
    :class:`~azureml.core.Environment` (registered at deploy when it has no version yet); without
    one, ``conda_file`` (a conda specification; its pip and conda packages become an environment of
    the service's name) or Loom's ``system`` environment. ``runtime``, ``enable_gpu``,
    ``base_image``, ``base_image_registry``, ``cuda_version`` and ``extra_docker_file_steps`` are
    accepted as in v1 and not used by Loom (a base image is taken from the environment).
    """

    def __init__(self, entry_script=None, runtime=None, conda_file=None, extra_docker_file_steps=None,
                 source_directory=None, enable_gpu=None, description=None, base_image=None,
                 base_image_registry=None, cuda_version=None, environment=None):
        self.entry_script = entry_script
        self.runtime = runtime
        self.conda_file = conda_file
        self.extra_docker_file_steps = extra_docker_file_steps
        self.source_directory = source_directory
        self.enable_gpu = enable_gpu
        self.description = description
        self.base_image = base_image
        self.base_image_registry = base_image_registry
        self.cuda_version = cuda_version
        self.environment = environment
        self.validate_configuration()

    def __repr__(self):
        return "InferenceConfig(entry_script=%r, source_directory=%r, environment=%r)" % (
            self.entry_script, self.source_directory, self.environment)

    def validate_configuration(self):
        """Check the configuration as v1 does; raises WebserviceException."""
        if self.environment is not None and self.conda_file:
            raise WebserviceException("Error, conda_file cannot be used together with environment: set the "
                                      "packages on the Environment instead.")
        if self.runtime and str(self.runtime).lower() not in ("python", "spark-py"):
            raise WebserviceException('Provided runtime not supported. Possible values are "spark-py" and "python".')
        if not self.entry_script:
            raise WebserviceException("Error, entry_script is required.")
        if self.source_directory is not None and not os.path.isdir(self.source_directory):
            raise WebserviceException("Error, source directory {} does not exist or is not a directory.".format(
                self.source_directory))
        script = self._entry_script_file()
        if not os.path.isfile(script):
            raise WebserviceException("Error, provided entry_script file {} could not be found.".format(script))
        if self.conda_file is not None:
            conda = self.conda_file if self.source_directory is None or os.path.isabs(self.conda_file) \
                else os.path.join(self.source_directory, self.conda_file)
            if not os.path.isfile(conda) and not os.path.isfile(self.conda_file):
                raise WebserviceException("Error, provided conda_file {} could not be found.".format(self.conda_file))

    def _entry_script_file(self):
        if self.source_directory is None or os.path.isabs(self.entry_script):
            return self.entry_script
        return os.path.join(self.source_directory, self.entry_script)

    def serialize(self):
        """The configuration as a JSON-ready dict (v1's keys)."""
        env = self.environment
        return {"entryScript": self.entry_script, "runtime": self.runtime, "condaFile": self.conda_file,
                "extraDockerfileSteps": self.extra_docker_file_steps, "sourceDirectory": self.source_directory,
                "enableGpu": self.enable_gpu, "baseImage": self.base_image,
                "baseImageRegistry": self.base_image_registry, "cudaVersion": self.cuda_version,
                "description": self.description,
                "environment": None if env is None else {"name": env.name, "version": env.version}}

    @staticmethod
    def deserialize(workspace, inference_config_dict):
        """An InferenceConfig from :meth:`serialize`'s dict (its environment got from ``workspace``)."""
        d = dict(inference_config_dict)
        env = None
        if d.get("environment"):
            from .environment import Environment
            env = Environment.get(workspace, d["environment"]["name"], d["environment"].get("version"))
        config = InferenceConfig.__new__(InferenceConfig)
        config.entry_script = d.get("entryScript")
        config.runtime = d.get("runtime")
        config.conda_file = d.get("condaFile")
        config.extra_docker_file_steps = d.get("extraDockerfileSteps")
        config.source_directory = d.get("sourceDirectory")
        config.enable_gpu = d.get("enableGpu")
        config.description = d.get("description")
        config.base_image = d.get("baseImage")
        config.base_image_registry = d.get("baseImageRegistry")
        config.cuda_version = d.get("cudaVersion")
        config.environment = env
        return config


# -- helpers ---------------------------------------------------------------------------------------

def _parse_time(text):
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _check_dict(what, value):
    if value is not None and not isinstance(value, dict):
        raise WebserviceException("{} must be a dict".format(what))


def _strings(values):
    """Tag and property values as Azure ML stores them: strings."""
    if not values:
        return None
    return {str(k): v if isinstance(v, str) else str(v) for k, v in values.items()}


def _filters(items):
    """``[(key, value or None)]`` from a v1 filter list (``"key"`` or ``["key", "value"]``) or a dict."""
    if not items:
        return []
    if isinstance(items, dict):
        return [(str(k), None if v is None else str(v)) for k, v in items.items()]
    if isinstance(items, str):
        items = [items]
    out = []
    for item in items:
        if isinstance(item, (list, tuple)):
            out.append((str(item[0]), str(item[1]) if len(item) > 1 else None))
        else:
            out.append((str(item), None))
    return out


def _tag_dict(tags):
    return ["%s=%s" % (k, v) if v is not None else k for k, v in _filters(tags)] or None


def _matches(doc, tags, properties, run_id, model_framework):
    for wanted, have in ((tags, doc.get("tags") or {}), (properties, doc.get("properties") or {})):
        for key, value in _filters(wanted):
            if key not in have or (value is not None and str(have[key]) != value):
                return False
    if run_id is not None and doc.get("runId") != run_id:
        return False
    if model_framework is not None and (doc.get("framework") or Model.Framework.CUSTOM) != model_framework:
        return False
    return True


def _not_found_message(name, id, tags, properties, version, run_id, model_framework):
    parts = []
    if id:
        parts.append("id {}".format(id))
    else:
        parts.append("name {}".format(name))
    if version is not None:
        parts.append("version {}".format(version))
    if tags:
        parts.append("tags {}".format(tags))
    if properties:
        parts.append("properties {}".format(properties))
    if run_id:
        parts.append("run_id {}".format(run_id))
    if model_framework:
        parts.append("framework {}".format(model_framework))
    return "ModelNotFound: Model with {} not found in provided workspace".format(", ".join(parts))


def _model_dir():
    return _env.first_env(*_MODEL_DIR_VARIABLES)


def _context_workspace():
    """Inside a submitted run: the run's workspace (as v1's ``Run.get_context``), else None."""
    context = _env.run_context()
    if context is None:
        return None
    from loom.client import Client
    from .workspace import Workspace
    return Workspace._for_client(Client(context["uri"], context["token"]), context["workspace"])


def _versions(folder):
    try:
        return sorted(int(n) for n in os.listdir(folder)
                      if _VERSION_DIR.match(n) and os.path.isdir(os.path.join(folder, n)))
    except OSError:
        return []


def _item(folder):
    """The model's file or folder in a version folder: its one entry, or the folder itself when it
    holds several."""
    entries = sorted(os.listdir(folder))
    return os.path.join(folder, entries[0]) if len(entries) == 1 else folder


def _deployed_model_path(model_name, version):
    """The model's path under ``LOOM_MODEL_DIR``/``AZUREML_MODEL_DIR``, or None outside a deployment.
    Raises ModelNotFoundException when the folder holds other models only."""
    root = _model_dir()
    if not root:
        return None
    if not os.path.isdir(root):
        raise ModelNotFoundException("The model folder {} (AZUREML_MODEL_DIR) does not exist".format(root))
    several = os.path.join(root, model_name)
    versions = _versions(several) if os.path.isdir(several) else []
    if versions:   # several models: <name>/<version>/...
        chosen = version if version is not None else versions[-1]
        if chosen not in versions:
            raise ModelNotFoundException("Model {} version {} is not deployed here; versions in {}: {}".format(
                model_name, version, several, versions))
        return _item(os.path.join(several, str(chosen)))
    if _holds_several_models(root):
        raise ModelNotFoundException("Model {} is not among the models deployed in {}: {}".format(
            model_name, root, sorted(os.listdir(root))))
    # One model: the folder is that model's (named .../<name>/<version> when laid out as on Azure ML).
    head, last = os.path.split(os.path.normpath(root))
    if version is not None and _VERSION_DIR.match(last) and int(last) != version \
            and os.path.basename(head) == model_name:
        raise ModelNotFoundException("Model {} version {} is not deployed here (version {} is)".format(
            model_name, version, last))
    return _item(root)


def _holds_several_models(root):
    """True when ``root`` has v1's layout for several models: every entry a ``<name>/<version>`` folder."""
    try:
        entries = os.listdir(root)
    except OSError:
        return False
    return bool(entries) and all(os.path.isdir(os.path.join(root, e)) and _versions(os.path.join(root, e))
                                 for e in entries)


def _local_model_path(model_name, version=None):
    """v1's local lookup: ``azureml-models/<name>/<version>/`` then ``./<model_name>``."""
    if model_name is None:
        raise WebserviceException("model_name is None")
    candidate = os.path.join(MODELS_DIR, model_name)
    versions = _versions(candidate)
    chosen = version if version is not None else (versions[-1] if versions else None)
    if chosen is not None and os.path.isdir(os.path.join(candidate, str(chosen))):
        return _item(os.path.join(candidate, str(chosen)))
    if version is None and os.path.exists(model_name):
        return model_name
    raise ModelNotFoundException(
        "Model {} not found in cache at {} or in current working directory {}{}.".format(
            model_name if version is None else "{} version {}".format(model_name, version), MODELS_DIR,
            os.getcwd(), "" if _model_dir() else " (no AZUREML_MODEL_DIR is set: outside a deployment, pass "
            "_workspace to download the model)"))
