"""``loom.submit``: snapshot a source folder and queue a run of it on a compute target.

Mirrors the C# client's ``RunSubmitter``: the inputs are checked before anything is uploaded, the
folder is snapshotted with the CLI's ignore rules (only what the server lacks is uploaded), the
folder's git state is recorded as run properties, and ``POST .../runs/submit`` carries an
Idempotency-Key so a retried request never queues the run twice.
"""

import os
import uuid

from . import _env, _git, _snapshot
from .client import Client

__all__ = ["submit", "main_log_name"]

DISTRIBUTIONS = ("pytorch", "mpi")


def main_log_name(node_count, process_count_per_node):
    """The log a person follows: ``std_log.txt``, or rank 0's ``std_log_process_0.txt`` when the
    run has several processes."""
    return "std_log_process_0.txt" if (node_count or 1) * (process_count_per_node or 1) > 1 else "std_log.txt"


def submit(source_directory=".", script=None, arguments=None, command=None, compute=None,
           environment=None, experiment=None, node_count=None, process_count_per_node=None,
           distribution=None, max_duration_seconds=None, display_name=None, description=None,
           tags=None, properties=None, variables=None, workspace=None, tracking_uri=None,
           token=None, client=None, snapshot_cache_dir=None):
    """Queue a run of ``script`` (a Python file in ``source_directory``, run with the
    environment's interpreter) or ``command`` (a shell command line) on compute target ``compute``,
    and return its :class:`loom.Run` (status ``Queued``; see ``wait_for_completion``).

    Args:
        source_directory: the folder snapshotted and used as the run's working folder.
        arguments: what follows the script or command (each turned into a string).
        compute: the compute target's name (required).
        environment: ``name``, ``name:version`` or ``name@latest``; a dict (the API's
            environment document with ``name``) is registered first; None means ``system``.
        experiment: the experiment (default ``LOOM_EXPERIMENT``).
        node_count, process_count_per_node, distribution: a distributed run
            (``distribution`` ``"pytorch"`` or ``"mpi"``).
        max_duration_seconds: the run fails when it runs longer.
        tags, properties, variables: the run's tags and properties, and variables for the process.

    Raises:
        ValueError: neither or both of ``script`` and ``command``, no experiment, counts below 1.
        FileNotFoundError: the folder is missing, or the script is not a file inside it (or is
            left out by the ignore rules). Nothing was uploaded.
        loom.LoomError: what the server refused (``compute_not_found``, ``environment_not_found``,
            ``invalid_submission``...).
    """
    if (script is None) == (command is None):
        raise ValueError("a run takes a script or a command (exactly one of them)")
    if command is not None and not str(command).strip():
        raise ValueError("the command is empty")
    experiment = experiment or _env.first_env("LOOM_EXPERIMENT", "AZUREML_EXPERIMENT_NAME")
    if not experiment:
        raise ValueError("submit needs an experiment name")
    for name, value in (("node_count", node_count), ("process_count_per_node", process_count_per_node),
                        ("max_duration_seconds", max_duration_seconds)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError("%s must be a whole number of at least 1, not %r" % (name, value))
    if distribution is not None and distribution not in DISTRIBUTIONS:
        raise ValueError("distribution %r is not supported; use one of: %s" % (distribution, ", ".join(DISTRIBUTIONS)))
    source = os.path.abspath(os.fspath(source_directory or "."))
    if not os.path.isdir(source):
        raise FileNotFoundError("the source folder %r does not exist" % source)
    script_path = None if script is None else _script_in(source, os.fspath(script))

    if client is None:
        uri = tracking_uri or _env.tracking_uri()
        if not uri:
            raise ValueError("no Loom server: pass tracking_uri or set LOOM_TRACKING_URI")
        client = Client(uri, token)
    workspace = workspace or _env.workspace_name()
    if isinstance(environment, dict):
        spec = dict(environment)
        registered = client.create_environment(spec.pop("name", None), workspace=workspace, **_env_args(spec))
        environment = "%s:%d" % (registered["name"], registered["version"])

    snapshot = _snapshot.create(source, client, workspace, cache_dir=snapshot_cache_dir,
                                required=[script_path] if script_path else ())
    props = dict(_git.capture(source) or {})
    props.update({str(k): str(v) for k, v in (properties or {}).items()})
    request = {
        "experiment": experiment, "snapshotId": snapshot["id"], "compute": _name(compute),
        "script": script_path, "command": command,
        "arguments": [_argument(a) for a in arguments] if arguments else None,
        "environment": _name(environment), "nodeCount": node_count,
        "processCountPerNode": process_count_per_node, "distribution": distribution,
        "maxDurationSeconds": max_duration_seconds, "displayName": display_name,
        "description": description,
        "tags": {str(k): str(v) for k, v in tags.items()} if tags else None,
        "properties": props or None,
        "variables": {str(k): str(v) for k, v in variables.items()} if variables else None,
    }
    doc = client.submit_run(request, workspace=workspace, idempotency_key=str(uuid.uuid4()))
    from .run import Run, _remote_core
    core = _remote_core(client, workspace, doc)
    core.main_log = main_log_name(node_count, process_count_per_node)
    core.snapshot = snapshot
    return Run._from_core(core, doc)


def _script_in(source, script):
    """``script`` as a '/'-separated path inside ``source``; FileNotFoundError when it is not a
    file there."""
    if not script.strip():
        raise ValueError("the script is empty")
    full = os.path.abspath(os.path.join(source, script))
    relative = os.path.relpath(full, source)
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative)
    if outside or not os.path.isfile(full):
        raise FileNotFoundError("the script %r is not %s the source folder %r"
                                % (script, "inside" if outside else "a file in", source))
    return relative.replace(os.sep, "/")


def _argument(value):
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError("arguments must be strings or numbers, got %r" % (value,))


def _name(value):
    """A compute or environment given by name, or as an object with ``name`` (and ``version``)."""
    if value is None or isinstance(value, str):
        return value
    name = getattr(value, "name", None)
    if not isinstance(name, str):
        raise TypeError("expected a name or an object with a name, got %r" % (value,))
    version = getattr(value, "version", None)
    return "%s:%s" % (name, version) if version is not None else name


def _env_args(spec):
    keys = {"python": "python", "image": "image", "variables": "variables",
            "description": "description", "tags": "tags"}
    unknown = set(spec) - set(keys)
    if unknown:
        raise ValueError("unknown environment keys: %s" % ", ".join(sorted(unknown)))
    return {keys[k]: v for k, v in spec.items()}
