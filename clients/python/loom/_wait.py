"""Waiting for a run to finish, optionally streaming its main log (``wait_for_completion``)."""

import sys

from ._errors import LoomError, NotFoundError
from ._submit import main_log_name

__all__ = ["RunFailedError", "wait", "main_log"]

_TERMINAL = ("Completed", "Failed", "Canceled")


class RunFailedError(LoomError):
    """A waited-for run ended ``Failed`` or ``Canceled``.

    Attributes: ``run_id``, ``run_status`` and ``error`` (the run's error message, if any).
    """

    def __init__(self, message, run_id=None, run_status=None, error=None, **kwargs):
        super().__init__(message, **kwargs)
        self.run_id = run_id
        self.run_status = run_status
        self.error = error


def main_log(run):
    """The log of ``run`` a person follows (``std_log.txt``, or ``std_log_process_0.txt`` for a
    run of several processes), asked of the server once when the run was not submitted here."""
    core = run._core
    name = getattr(core, "main_log", None)
    if name is None:
        try:
            job = run._backend.client.get_run_job(run.id, run._backend.workspace)
            name = main_log_name(job.get("nodeCount"), job.get("processCountPerNode"))
        except NotFoundError:
            name = "std_log.txt"  # a run not submitted to a compute target (job_not_found)
        core.main_log = name
    return name


def wait(run, show_output=False, timeout=None, raise_on_error=True, error_class=RunFailedError,
         out=None):
    """Wait until ``run`` is Completed, Failed or Canceled and return its run document.

    With ``show_output`` the main log is written to ``out`` (default stdout) as it grows, between
    a header and a summary. Follows the log over server-sent events, so the wait ends as soon as
    the server has the final status. Raises ``error_class`` when the run failed or was canceled
    (with ``raise_on_error``), TimeoutError after ``timeout`` seconds.
    """
    backend = run._backend
    if backend.offline:
        return backend.get()
    out = out or sys.stdout
    client, workspace = backend.client, backend.workspace
    log = main_log(run)
    if show_output:
        out.write("RunId: %s\n\nStreaming %s\n%s\n\n" % (run.id, log, "=" * (10 + len(log))))
        out.flush()
        offset = 0
    else:
        offset = _log_length(client, run.id, log, workspace)
    last = None
    for event in client.follow_log(run.id, log, offset=offset, workspace=workspace, timeout=timeout):
        if event[0] == "chunk" and show_output and event[2]:
            out.write(event[2])
            out.flush()
            last = event[2]
    doc = backend.get()
    status = doc["status"]
    if show_output:
        gap = "" if last is None else ("\n" if last.endswith("\n") else "\n\n")
        out.write("%sExecution Summary\n=================\nRunId: %s\nStatus: %s\n" % (gap, run.id, status))
        if doc.get("error"):
            out.write("Error: %s\n" % doc["error"])
        out.write("\n")
        out.flush()
    if raise_on_error and status in ("Failed", "Canceled"):
        raise error_class(_failure_message(run.id, status, doc.get("error"), error_class),
                          run_id=run.id, run_status=status, error=doc.get("error"))
    return doc


def _failure_message(run_id, status, error, error_class):
    formatter = getattr(error_class, "format_failure", None)
    if formatter is not None:
        return formatter(run_id, status, error)
    return "run %s ended %s%s" % (run_id, status, ": %s" % error if error else "")


def _log_length(client, run_id, log, workspace):
    for entry in client.list_logs(run_id, workspace):
        if entry["file"] == log:
            return entry["length"]
    return 0
