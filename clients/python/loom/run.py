"""The :class:`Run` object: log metrics, params, tags, properties and files to one run."""

import io
import os
import re
import threading

from . import _env, _shutdown, _wait
from ._batcher import MetricBatcher
from ._errors import ConflictError
from ._offline import OfflineBackend
from ._remote import RemoteBackend
from ._run_files import RunFiles, artifact_path as _artifact_path
from ._values import check_key, from_wire_deep, key_value_strings, plain, scalar
from .client import Client

__all__ = ["Run", "start_run", "get_run"]

_SCALAR = "scalar"
_UNSAFE_PATH_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
_cores_lock = threading.Lock()
_cores = {}          # (server, workspace, run id) -> _RunCore, so every Run view of a run shares state
_context_core = None


class _RunCore:
    """State shared by every :class:`Run` object of one run in this process."""

    def __init__(self, backend):
        self.backend = backend
        self.batcher = MetricBatcher(backend.send_batch, backend.label,
                                     interval=_env.float_env("LOOM_METRICS_INTERVAL", 1.0))
        self.kinds = {}  # metric name -> kind, checked before buffering so a batch is never refused
        self.kinds_lock = threading.Lock()
        self.image_lock = threading.Lock()
        _shutdown.register(self.batcher)

    def claim(self, name, kind):
        """Record ``name``'s kind on first use; refuse a different kind later."""
        with self.kinds_lock:
            known = self.kinds.get(name)
            if known is None:
                check_key("metric", name)
                self.kinds[name] = kind
            elif known != kind:
                raise ValueError("metric %r was logged as %s; cannot log it as %s" % (name, known, kind))


def _core_for(backend, key=None):
    if key is None:
        return _RunCore(backend)
    with _cores_lock:
        core = _cores.get(key)
        if core is None:
            core = _cores[key] = _RunCore(backend)
        return core


def _remote_core(client, workspace, run):
    return _core_for(RemoteBackend(client, workspace, run), (client.tracking_uri, workspace, run["id"]))


class Run(RunFiles):
    """One run of an experiment, on a Loom server or offline in a local folder.

    Get one from :func:`loom.start_run`, :meth:`Run.get_context` (inside a submitted run),
    :meth:`child_run` or :func:`loom.get_run`. Metric logging is buffered and sent in the
    background; everything else is sent when called.
    """

    def __init__(self, _core, _details=None):
        self._bind(_core, _details)

    def _bind(self, core, details=None):
        self._core = core
        self._backend = core.backend
        self._add = core.batcher.add   # the logging hot path skips attribute lookups
        self._kinds = core.kinds
        self._details = details or {}

    @classmethod
    def _from_core(cls, core, details=None):
        run = cls.__new__(cls)
        run._bind(core, details)
        return run

    def __repr__(self):
        return "%s(id=%r, experiment=%r%s)" % (type(self).__name__, self.id, self.experiment_name,
                                               ", offline" if self.offline else "")

    # -- obtaining runs ----------------------------------------------------------------------

    @classmethod
    def get_context(cls, allow_offline=True):
        """The run this process was submitted as (from ``LOOM_RUN_ID`` etc.); no run is created.

        Outside a submitted run, returns an offline run that writes to ``./.loom/offline/<id>/``
        (or raises RuntimeError when ``allow_offline`` is False). Every call in a process returns
        a view of the same run.
        """
        global _context_core
        with _cores_lock:
            core = _context_core
        if core is None:
            context = _env.run_context()
            if context is None:
                if not allow_offline:
                    raise RuntimeError("not inside a Loom run: LOOM_TRACKING_URI and LOOM_RUN_ID are not set")
                core = _RunCore(OfflineBackend(experiment=_env.first_env(
                    "LOOM_EXPERIMENT", "AZUREML_EXPERIMENT_NAME")))
            else:
                client = Client(context["uri"], context["token"])
                run = {"id": context["run_id"], "experiment": context["experiment"]}
                core = _remote_core(client, context["workspace"], run)
            with _cores_lock:
                if _context_core is None:
                    _context_core = core
                core = _context_core
        return cls._from_core(core)

    def _wrap(self, core, details=None):
        return type(self)._from_core(core, details)

    # -- identity ----------------------------------------------------------------------------

    @property
    def id(self):
        """The run id."""
        return self._backend.run_id

    @property
    def experiment_name(self):
        """Name of the run's experiment."""
        if not self._backend.experiment:
            self._backend.experiment = self._backend.get().get("experiment")
        return self._backend.experiment

    @property
    def workspace_name(self):
        """Name of the run's workspace."""
        return self._backend.workspace

    @property
    def parent_id(self):
        """Id of the parent run, or None for a top-level run."""
        return self._backend.parent_id

    @property
    def offline(self):
        """True when the run is stored in a local folder instead of on a server."""
        return self._backend.offline

    @property
    def offline_folder(self):
        """Folder of an offline run (None for a server run)."""
        return getattr(self._backend, "folder", None)

    @property
    def display_name(self):
        """The run's display name."""
        return self._backend.get().get("displayName")

    # -- metrics -----------------------------------------------------------------------------

    def log(self, name, value, step=None, description=""):
        """Log a scalar metric value (buffered; sent in the background).

        ``step=None`` gives the next step of ``name`` (0, 1, 2... in log order). NaN and
        infinities are kept. A non-numeric string is stored as a one-column row metric.
        """
        if step is not None:
            step = _check_step(step)
        if self._kinds.get(name) is not _SCALAR:
            if not (type(value) is float or type(value) is int) and scalar(value) is None:
                self._core.claim(name, "row")
                self._add(name, {name: str(value)}, step, "row")
                return
            self._core.claim(name, _SCALAR)
        if type(value) is not float and type(value) is not int:
            value = scalar(value)
            if value is None:
                raise ValueError("metric %r is a number metric; got a non-number value" % name)
        self._add(name, value, step)

    log_metric = log

    def log_metrics(self, metrics, step=None):
        """Log several scalar metrics, all with the same ``step`` (or each its own next step)."""
        for name, value in metrics.items():
            self.log(name, value, step)

    def _log_row(self, name, kind, value, step=None):
        self._core.claim(name, kind)
        self._add(name, value, step, kind)

    def log_list(self, name, value, description=""):
        """Log a list of values as one value of the list metric ``name``."""
        self._log_row(name, "list", plain(list(value)))

    def log_row(self, name, description=None, **kwargs):
        """Log one row (columns as keyword arguments); repeated calls build a table."""
        self._log_row(name, "row", plain(kwargs))

    def log_table(self, name, value, description=""):
        """Log a table given as a dict of column name -> list of values."""
        if not isinstance(value, dict):
            raise TypeError("log_table expects a dict of column -> list of values")
        self._log_row(name, "table", {str(k): plain(list(v)) for k, v in value.items()})

    def log_image(self, name, path=None, plot=None, description=""):
        """Upload an image (a file ``path``, or a matplotlib figure/pyplot ``plot`` saved as PNG)
        as artifact ``images/<name>_<n>.<ext>`` and log an ``image`` metric pointing at it."""
        if (path is None) == (plot is None):
            raise ValueError("log_image needs exactly one of path or plot")
        self._core.claim(name, "image")
        with self._core.image_lock:
            step = self._core.batcher.next_step(name)
            safe = _UNSAFE_PATH_CHARS.sub("_", name).strip("._") or "image"
            if path is not None:
                ext = os.path.splitext(os.fspath(path))[1] or ".png"
                artifact = "images/%s_%d%s" % (safe, step, ext)
                self._backend.upload(artifact, os.fspath(path))
            else:
                buffer = io.BytesIO()
                plot.savefig(buffer, format="png")
                artifact = "images/%s_%d.png" % (safe, step)
                self._backend.upload(artifact, buffer.getvalue())
            self._add(name, {"path": artifact}, step, "image")
        return artifact

    def flush(self, timeout_seconds=None):
        """Wait until every metric value logged so far is stored; True if done in time."""
        if timeout_seconds is None:
            timeout_seconds = _env.float_env("LOOM_FLUSH_TIMEOUT", 60.0)
        return self._core.batcher.flush(timeout_seconds)

    def get_metrics(self, name=None):
        """Latest value of each metric (after a flush): ``{name: value}``.

        Scalars come back as numbers (NaN/inf as floats); lists, rows and tables as logged;
        images as ``{"path": ...}``.
        """
        self.flush()
        latest = self._backend.metrics()
        values = {key: from_wire_deep(entry["value"]) for key, entry in latest.items()}
        if name is not None:
            return {name: values[name]} if name in values else {}
        return values

    def get_metric_history(self, name):
        """Every value of metric ``name`` in logged order: ``[{"step", "value", "timestamp"}]``."""
        self.flush()
        history = self._backend.history(name)
        return [dict(p, value=from_wire_deep(p["value"])) for p in history["points"]]

    # -- params, tags, properties ------------------------------------------------------------

    def log_params(self, params):
        """Record parameters (stored as strings; write-once: changing one is a ConflictError)."""
        values = key_value_strings("param", params)
        if values:
            self._backend.update(params=values)

    def log_param(self, key, value):
        """Record one parameter."""
        self.log_params({key: value})

    def set_tags(self, tags):
        """Set (or change) tags; values are stored as strings."""
        values = key_value_strings("tag", tags)
        if values:
            self._backend.update(tags=values)

    def set_tag(self, key, value):
        """Set one tag."""
        self.set_tags({key: value})

    def tag(self, key, value=None):
        """Set one tag; without a value the tag is stored with an empty string."""
        self.set_tags({key: "" if value is None else value})

    def remove_tags(self, tags):
        """Remove tags by key."""
        keys = [tags] if isinstance(tags, str) else list(tags)
        if keys:
            self._backend.update(remove_tags=keys)

    def add_properties(self, properties):
        """Add write-once properties (changing one is a ConflictError)."""
        values = key_value_strings("property", properties)
        if values:
            self._backend.update(properties=values)

    def get_details(self):
        """The run document (status, times, params, tags, properties, latest metrics...)."""
        return self._backend.get()

    def get_status(self):
        """The run's status, e.g. ``Running`` or ``Completed``."""
        return self._backend.get()["status"]

    def get_params(self):
        """The run's parameters."""
        return self._backend.get().get("params") or {}

    def get_tags(self):
        """The run's tags."""
        return self._backend.get().get("tags") or {}

    def get_properties(self):
        """The run's properties."""
        return self._backend.get().get("properties") or {}

    # -- child runs --------------------------------------------------------------------------

    def child_run(self, name=None, params=None, tags=None, properties=None):
        """Create a child run of this run (same experiment) and return it."""
        backend = self._backend.create_child(
            display_name=name, params=key_value_strings("param", params) or None,
            tags=key_value_strings("tag", tags) or None,
            properties=key_value_strings("property", properties) or None)
        if backend.offline:
            return self._wrap(_core_for(backend))
        return self._wrap(_core_for(backend, (backend.client.tracking_uri, backend.workspace,
                                              backend.run_id)))

    def get_children(self):
        """Direct child runs, oldest first."""
        children = []
        for doc in self._backend.children():
            if self._backend.offline:
                continue  # offline children are only reachable through child_run's return value
            children.append(self._wrap(_remote_core(self._backend.client, self._backend.workspace, doc),
                                       doc))
        return children

    # -- lifecycle ---------------------------------------------------------------------------

    def _finish_metrics(self):
        timeout = _env.float_env("LOOM_FLUSH_TIMEOUT", 60.0)
        if self._core.batcher.close(timeout):
            _shutdown.unregister(self._core.batcher)

    def _set_status(self, status, error=None):
        try:
            return self._backend.update(status=status, error=error)
        except ConflictError as conflict:
            # A retried PATCH whose first answer was lost finds the run already in that status.
            if conflict.code == "invalid_status_transition":
                current = self._backend.get()
                if current["status"] == status:
                    return current
            raise

    def complete(self):
        """Send the remaining metrics, then mark the run Completed."""
        self._finish_metrics()
        self._set_status("Completed")

    def fail(self, error=None):
        """Send the remaining metrics, then mark the run Failed with an error message."""
        self._finish_metrics()
        if isinstance(error, BaseException):
            error = "%s: %s" % (type(error).__name__, error) if str(error) else type(error).__name__
        self._set_status("Failed", None if error is None else str(error))

    def wait_for_completion(self, show_output=False, timeout=None, raise_on_error=True):
        """Wait until the run is Completed, Failed or Canceled; return its run document.

        With ``show_output`` the run's main log (``std_log.txt``, or ``std_log_process_0.txt``
        for a run of several processes) is printed as it grows, then a summary. Raises
        :class:`loom.RunFailedError` when the run failed or was canceled (unless
        ``raise_on_error`` is False), TimeoutError after ``timeout`` seconds.
        """
        return _wait.wait(self, show_output, timeout, raise_on_error)

    def cancel(self):
        """Send the remaining metrics, then cancel the run."""
        self._finish_metrics()
        self._backend.cancel()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.complete()
        else:
            self.fail(exc if exc is not None else exc_type.__name__)
        return False


def _check_step(step):
    # Checked here: one bad step would make the server refuse a whole batch.
    if isinstance(step, bool) or not isinstance(step, int):
        number = scalar(step)
        if number is None or number != int(number):
            raise TypeError("step must be a non-negative integer, got %r" % (step,))
        step = int(number)
    if step < 0:
        raise ValueError("step must be a non-negative integer, got %r" % (step,))
    return step


def _client(tracking_uri, token):
    uri = tracking_uri or _env.tracking_uri()
    return Client(uri, token) if uri else None


def start_run(experiment=None, display_name=None, tags=None, params=None, parent=None,
              description=None, properties=None, workspace=None, tracking_uri=None, token=None):
    """Create a run and return it (usable as a context manager that completes or fails it).

    The server is ``LOOM_TRACKING_URI`` (token ``LOOM_TOKEN``, workspace ``LOOM_WORKSPACE`` or
    ``default``). Without a server the run is kept offline in ``./.loom/offline/<id>/``.
    ``parent`` (a Run or a run id) makes it a child run of that run's experiment. Creation
    carries an Idempotency-Key, so a retried request never makes two runs.
    """
    params = key_value_strings("param", params) or None
    tags = key_value_strings("tag", tags) or None
    properties = key_value_strings("property", properties) or None
    if isinstance(parent, Run):
        child = parent.child_run(display_name, params=params, tags=tags, properties=properties)
        return Run(child._core)
    experiment = experiment or _env.first_env("LOOM_EXPERIMENT", "AZUREML_EXPERIMENT_NAME")
    client = _client(tracking_uri, token)
    if client is None:
        backend = OfflineBackend(experiment=experiment or "Default", display_name=display_name,
                                 params=params, tags=tags, properties=properties)
        return Run(_core_for(backend))
    if parent is None and not experiment:
        raise ValueError("start_run needs an experiment name (or a parent run)")
    workspace = workspace or _env.workspace_name()
    run = client.create_run(experiment=experiment, workspace=workspace, parent_run_id=parent,
                            display_name=display_name, description=description, params=params,
                            tags=tags, properties=properties)
    return Run(_remote_core(client, workspace, run), run)


def get_run(run_id, workspace=None, tracking_uri=None, token=None):
    """Attach to an existing run on the server (nothing is created)."""
    client = _client(tracking_uri, token)
    if client is None:
        raise ValueError("no Loom server: pass tracking_uri or set LOOM_TRACKING_URI")
    workspace = workspace or _env.workspace_name()
    run = client.get_run(run_id, workspace)
    return Run(_remote_core(client, workspace, run), run)
