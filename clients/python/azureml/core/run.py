"""``azureml.core.Run`` for Loom: Azure ML v1's Run API on top of :class:`loom.Run`.

Signatures and argument names follow the v1 SDK so existing training scripts run unchanged.
"""

import os
import urllib.parse

import loom
from loom import _wait
from loom._values import from_wire_deep
from loom.run import _remote_core

from ..exceptions import ActivityFailedException
from .experiment import Experiment
from .workspace import Workspace

__all__ = ["Run"]

class Run(loom.Run):
    """A run of an experiment, as ``azureml.core.Run``.

    ``Run(experiment, run_id)`` attaches to an existing run; inside a submitted run use
    :meth:`get_context`.
    """

    def __init__(self, experiment, run_id, outputs=None, **kwargs):
        workspace = experiment.workspace
        client = workspace.client
        if client is None:
            raise loom.LoomError("no Loom server: set LOOM_TRACKING_URI")
        details = client.get_run(run_id, workspace.name)
        self._bind(_remote_core(client, workspace.name, details), details)
        self._experiment = experiment

    @classmethod
    def get_context(cls, allow_offline=True, used_for_context_manager=False, **kwargs):
        """The run this script was submitted as, or an offline run outside Loom."""
        return super(Run, cls).get_context(allow_offline=allow_offline)

    @classmethod
    def _from_doc(cls, experiment, doc):
        """A Run of ``experiment`` for the run document ``doc``."""
        workspace = experiment.workspace
        run = cls._from_core(_remote_core(workspace._require_client(), workspace.name, doc), doc)
        run._experiment = experiment
        return run

    @classmethod
    def _submitted(cls, experiment, run):
        """The azureml Run of a :class:`loom.Run` just submitted."""
        submitted = cls._from_core(run._core, run._details)
        submitted._experiment = experiment
        return submitted

    @staticmethod
    def get(workspace, run_id):
        """Attach to run ``run_id`` of ``workspace``."""
        details = workspace.client.get_run(run_id, workspace.name)
        return Run(Experiment(workspace, details["experiment"]), run_id)

    # -- identity ----------------------------------------------------------------------------

    @property
    def experiment(self):
        """The run's :class:`Experiment` (with its :class:`Workspace`)."""
        cached = getattr(self, "_experiment", None)
        if cached is None:
            client = None if self.offline else self._backend.client
            workspace = Workspace._for_client(client, self.workspace_name)
            cached = self._experiment = Experiment(workspace, self.experiment_name)
        return cached

    @property
    def name(self):
        """The run's display name."""
        return self.display_name

    @property
    def display_name(self):
        """The run's display name (settable)."""
        return self._backend.get().get("displayName")

    @display_name.setter
    def display_name(self, value):
        self._backend.update(display_name=value)

    @property
    def status(self):
        """The run's status."""
        return self.get_status()

    @property
    def tags(self):
        """The run's tags."""
        return self.get_tags()

    @property
    def properties(self):
        """The run's properties."""
        return self.get_properties()

    @property
    def parent(self):
        """The parent run, or None."""
        if not self.parent_id or self.offline:
            return None
        return Run(self.experiment, self.parent_id)

    @property
    def type(self):
        """Run type, as Azure ML names it."""
        return "azureml.scriptrun"

    # -- logging (Azure argument order: description before step) -----------------------------

    def log(self, name, value, description="", step=None):
        """Log a numeric (or string) metric value."""
        loom.Run.log(self, name, value, step)

    def upload_file(self, name, path_or_stream, datastore_name=None):
        """Upload a file or stream as artifact ``name``."""
        return loom.Run.upload_file(self, name, path_or_stream)

    def upload_files(self, names, paths, return_artifacts=False, timeout_seconds=None,
                     datastore_name=None):
        """Upload files; ``names`` and ``paths`` pair up."""
        return loom.Run.upload_files(self, names, paths)

    def upload_folder(self, name, path, datastore_name=None):
        """Upload a folder's files under prefix ``name``."""
        return loom.Run.upload_folder(self, name, path)

    def download_file(self, name, output_file_path=None, _validate_checksum=False):
        """Download artifact ``name``."""
        return loom.Run.download_file(self, name, output_file_path)

    def download_files(self, prefix=None, output_directory=None, output_paths=None, batch_size=100,
                       append_prefix=True, timeout_seconds=None):
        """Download every artifact under ``prefix`` into ``output_directory``."""
        names = self.get_file_names(prefix)
        if output_paths is not None and len(output_paths) != len(names):
            raise ValueError("output_paths must have one path per file")
        out_dir = output_directory or os.getcwd()
        for index, name in enumerate(names):
            if output_paths is not None:
                target = output_paths[index]
            else:
                rel = name if append_prefix or not prefix else name[len(prefix):].lstrip("/")
                target = os.path.join(out_dir, *rel.split("/"))
            loom.Run.download_file(self, name, target)

    def register_model(self, model_name, model_path=None, tags=None, properties=None, model_framework=None,
                       model_framework_version=None, description=None, datasets=None, sample_input_dataset=None,
                       sample_output_dataset=None, resource_configuration=None, **kwargs):
        """Register the run's file or folder ``model_path`` (default: ``model_name``), e.g.
        ``outputs/model.pkl``, as the next version of model ``model_name``; returns the
        :class:`azureml.core.Model`, whose ``run_id`` is this run. Raises
        ModelPathNotFoundException when the run has no files there. Inside the run itself, a
        local file or folder at ``model_path`` not uploaded yet is uploaded first."""
        from .model import Model
        return Model._register_from_run(self, model_name, model_path, tags, properties, model_framework,
                                        model_framework_version, description)

    def flush(self, timeout_seconds=300):
        """Wait until logged metrics are stored."""
        return loom.Run.flush(self, timeout_seconds)

    # -- children ----------------------------------------------------------------------------

    def child_run(self, name=None, run_id=None, outputs=None):
        """Create a child run (Loom assigns the id; ``run_id`` is ignored)."""
        return loom.Run.child_run(self, name)

    def create_children(self, count=None, tag_key=None, tag_values=None):
        """Create ``count`` children, or one per value of ``tag_values`` tagged ``tag_key``."""
        if tag_key is not None and tag_values is not None:
            return [loom.Run.child_run(self, None, tags={tag_key: value}) for value in tag_values]
        return [loom.Run.child_run(self) for _ in range(count or 0)]

    def get_children(self, recursive=False, tags=None, properties=None, type=None, status=None,
                     _rehydrate_runs=True):
        """Child runs (all descendants with ``recursive``), optionally filtered."""
        for child in loom.Run.get_children(self):
            details = child.get_details()
            if _matches(details, tags, properties, status):
                yield child
            if recursive:
                for grandchild in child.get_children(True, tags, properties, type, status):
                    yield grandchild

    # -- status ------------------------------------------------------------------------------

    def start(self):
        """Mark the run Running."""
        self._set_status("Running")

    def complete(self, _set_status=True):
        """Send the remaining metrics and mark the run Completed."""
        if _set_status:
            loom.Run.complete(self)
        else:
            self._finish_metrics()

    def fail(self, error_details=None, error_code=None, _set_status=True):
        """Send the remaining metrics and mark the run Failed."""
        if not _set_status:
            self._finish_metrics()
            return
        message = error_details
        if isinstance(message, BaseException):
            message = "%s: %s" % (type(message).__name__, message)
        if error_code:
            message = "%s: %s" % (error_code, message or "")
        loom.Run.fail(self, message)

    def wait_for_completion(self, show_output=False, wait_post_processing=False, raise_on_error=True,
                            timeout_seconds=None):
        """Wait until the run is Completed, Failed or Canceled and return its details.

        With ``show_output`` the run's main log (``std_log.txt``, or ``std_log_process_0.txt``
        for a run of several processes) is printed as it grows, then a summary. Raises
        ActivityFailedException when the run failed or was canceled (unless ``raise_on_error`` is
        False); TimeoutError after ``timeout_seconds`` (Loom's addition; default: no limit).
        """
        _wait.wait(self, show_output, timeout_seconds, raise_on_error, ActivityFailedException)
        return self.get_details()

    def cancel(self):
        """Cancel the run (a queued run at once; a running one is stopped by its agent)."""
        loom.Run.cancel(self)

    # -- reading -----------------------------------------------------------------------------

    def get_details(self):
        """Run details with Azure ML's keys (runId, status, startTimeUtc, endTimeUtc...)."""
        doc = self._backend.get()
        properties = doc.get("properties") or {}
        details = {
            "runId": doc["id"], "target": properties.get("loom.compute") or "local", "status": doc["status"],
            "startTimeUtc": doc.get("startTime"), "endTimeUtc": doc.get("endTime"),
            "properties": doc.get("properties") or {}, "tags": doc.get("tags") or {},
            "displayName": doc.get("displayName"), "experiment": doc.get("experiment"),
            "parentRunId": doc.get("parentRunId"), "inputDatasets": [], "outputDatasets": [],
            "logFiles": self._log_files(),
        }
        if doc.get("error"):
            details["error"] = {"error": {"message": doc["error"]}}
        return details

    def _log_files(self):
        if self.offline:
            return {}
        client, workspace = self._backend.client, self._backend.workspace
        base = client.tracking_uri + "/api/v1/workspaces/%s/runs/%s/logs/" % (
            urllib.parse.quote(workspace, safe=""), urllib.parse.quote(self.id, safe=""))
        return {entry["file"]: base + urllib.parse.quote(entry["file"], safe="/")
                for entry in client.list_logs(self.id, workspace)}

    def get_portal_url(self):
        """The run's address on the Loom server (its REST document; Loom has no portal yet)."""
        if self.offline:
            return None
        return "%s/api/v1/workspaces/%s/runs/%s" % (
            self._backend.client.tracking_uri, urllib.parse.quote(self._backend.workspace, safe=""),
            urllib.parse.quote(self.id, safe=""))

    def get_status(self):
        """The run's status."""
        return self._backend.get()["status"]

    def get_tags(self):
        """The run's tags."""
        return self._backend.get().get("tags") or {}

    def get_properties(self):
        """The run's properties."""
        return self._backend.get().get("properties") or {}

    def get_metrics(self, name=None, recursive=False, run_type=None, populate=False):
        """Metrics as Azure ML returns them: a scalar logged once is a value, logged several times
        a list; rows build a dict of column -> list; lists and tables are their latest value.

        With ``recursive``, a dict of run id -> metrics for this run and all descendants.
        """
        if recursive:
            result = {self.id: self.get_metrics(name)}
            for child in self.get_children(recursive=True):
                result[child.id] = child.get_metrics(name)
            return result
        self.flush()
        out = {}
        for key, entry in self._backend.metrics().items():
            if name is None or key == name:
                out[key] = self._azure_value(key, entry)
        return out

    def _azure_value(self, key, entry):
        kind = entry.get("kind")
        if kind in ("list", "table") or entry.get("count", 1) == 1 and kind != "row":
            return _image_or_value(from_wire_deep(entry["value"]), kind)
        values = [from_wire_deep(p["value"]) for p in self._backend.history(key)["points"]]
        if kind == "scalar":
            return values
        if kind == "image":
            return [_image_or_value(v, kind) for v in values]
        if all(isinstance(v, dict) and list(v) == [key] and isinstance(v[key], str) for v in values):
            texts = [v[key] for v in values]  # strings passed to run.log
            return texts[0] if len(texts) == 1 else texts
        table = {}
        for row in values:
            for column, value in row.items():
                table.setdefault(column, []).append(value)
        return table


def _image_or_value(value, kind):
    return value.get("path") if kind == "image" and isinstance(value, dict) else value


def _matches(details, tags, properties, status):
    if status is not None and details.get("status") != status:
        return False
    for wanted, have in ((tags, details.get("tags") or {}), (properties, details.get("properties") or {})):
        if isinstance(wanted, str) and wanted not in have:
            return False
        if isinstance(wanted, dict) and any(have.get(k) != v for k, v in wanted.items()):
            return False
    return True
