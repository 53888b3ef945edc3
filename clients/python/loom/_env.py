"""Settings read from the environment (``LOOM_*`` variables and their Azure ML aliases)."""

import os

__all__ = ["first_env", "float_env", "tracking_uri", "workspace_name", "user_token", "run_context"]


def first_env(*names, default=None):
    """The value of the first of ``names`` that is set and not empty."""
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return default


def float_env(name, default):
    """A float from the environment, or ``default`` when unset or not a number."""
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        return default


def tracking_uri():
    """Base URL of the Loom server (``LOOM_TRACKING_URI``), or None."""
    return first_env("LOOM_TRACKING_URI")


def workspace_name():
    """Workspace name: ``LOOM_WORKSPACE`` / ``AZUREML_ARM_WORKSPACE_NAME``, default ``default``."""
    return first_env("LOOM_WORKSPACE", "AZUREML_ARM_WORKSPACE_NAME", default="default")


def user_token():
    """Token for interactive use: ``LOOM_TOKEN``, else a run token if one is set."""
    return first_env("LOOM_TOKEN", "LOOM_RUN_TOKEN", "AZUREML_RUN_TOKEN")


def run_context():
    """The submitted run this process belongs to, as a dict, or None outside a submitted run.

    Keys: ``uri``, ``workspace``, ``experiment``, ``run_id``, ``token``.
    """
    run_id = first_env("LOOM_RUN_ID", "AZUREML_RUN_ID")
    uri = tracking_uri()
    if not run_id or not uri:
        return None
    return {
        "uri": uri,
        "workspace": workspace_name(),
        "experiment": first_env("LOOM_EXPERIMENT", "AZUREML_EXPERIMENT_NAME"),
        "run_id": run_id,
        "token": first_env("LOOM_RUN_TOKEN", "AZUREML_RUN_TOKEN", "LOOM_TOKEN"),
    }
