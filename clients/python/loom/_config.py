"""Where a notebook finds its Loom server: ``config.json`` files (Azure ML's ``from_config``), the
``LOOM_*`` variables, and the CLI's saved profile.

A ``config.json`` is looked for, when no path is given, in the current folder, its ``.azureml/``
and ``aml_config/`` subfolders, then each parent folder in turn, as Azure ML does. Its keys:
``loom_url`` (or ``tracking_uri``), ``workspace_name``, optionally ``token``; Azure's
``subscription_id`` and ``resource_group`` are kept but unused.

Resolution, first found wins:

- server: the file's ``loom_url``/``tracking_uri``, ``LOOM_TRACKING_URI``, ``LOOM_URL``, the profile's ``url``;
- workspace: the file's ``workspace_name``, ``LOOM_WORKSPACE``, ``AZUREML_ARM_WORKSPACE_NAME``,
  the profile's ``workspace``, ``default``;
- token: ``LOOM_TOKEN``, the file's ``token``, the profile's ``token`` (only for the profile's own
  server), the admin token a local server wrote (only for a loopback URL), a run token.

The profile is the CLI's (``loom login``): ``$LOOM_CONFIG_DIR/profile.json`` or
``~/.config/loom/profile.json``; the admin token is ``$LOOM_DATA/admin.token`` or ``~/.loom/admin.token``.
"""

import json
import os
import urllib.parse

from . import _env

__all__ = ["find_config_file", "resolve", "ConfigNotFoundError", "CONFIG_FILE_NAME"]

CONFIG_FILE_NAME = "config.json"
_SUBFOLDERS = ("", ".azureml", "aml_config")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ConfigNotFoundError(FileNotFoundError):
    """No config file was found where it was looked for."""


def find_config_file(path=None, file_name=None):
    """The config file: ``path`` itself when it is a file, else the first ``file_name`` found in
    ``path`` (default: the current folder), its ``.azureml``/``aml_config`` subfolders, or a
    parent folder. Raises ConfigNotFoundError."""
    file_name = file_name or CONFIG_FILE_NAME
    start = os.path.abspath(os.fspath(path) if path is not None else os.getcwd())
    if os.path.isfile(start):
        return start
    if path is not None and not os.path.isdir(start):
        raise ConfigNotFoundError("the config path %r does not exist" % start)
    folder = start
    while True:
        for sub in _SUBFOLDERS:
            candidate = os.path.join(folder, sub, file_name)
            if os.path.isfile(candidate):
                return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    raise ConfigNotFoundError(
        "We could not find %s in %s, its .azureml or aml_config folders, or a parent folder. "
        "Write one with loom_url and workspace_name (Workspace.write_config() does), or set "
        "LOOM_TRACKING_URI and LOOM_WORKSPACE." % (file_name, start))


def read_profile():
    """The CLI's saved profile (``{"url", "token", "workspace"}``), or {} when there is none."""
    folder = _env.first_env("LOOM_CONFIG_DIR") or os.path.join(os.path.expanduser("~"), ".config", "loom")
    return _read_json(os.path.join(folder, "profile.json"), quiet=True)


def resolve(path=None, file_name=None, require_file=False):
    """``{"url", "workspace", "token", "config_file", "subscription_id", "resource_group"}``
    from a config file and the fallbacks above (``url`` None when nothing names a server).

    Without ``require_file`` a missing config file is fine when the variables or the profile
    name the server; ``ConfigNotFoundError`` otherwise (and ValueError for a file that is not
    a JSON object).
    """
    missing = None
    try:
        config_file = find_config_file(path, file_name)
    except ConfigNotFoundError as error:
        if require_file or path is not None:
            raise
        config_file, missing = None, error
    config = _read_json(config_file) if config_file else {}
    profile = read_profile()
    url = _first(config.get("loom_url"), config.get("tracking_uri"),
                 _env.first_env("LOOM_TRACKING_URI", "LOOM_URL"), profile.get("url"))
    if url is None and missing is not None:
        raise missing
    workspace = _first(config.get("workspace_name"),
                       _env.first_env("LOOM_WORKSPACE", "AZUREML_ARM_WORKSPACE_NAME"),
                       profile.get("workspace"), "default")
    # Inside a submitted run, the run's own token comes first: a script must not act with a person's
    # saved credentials (or the local admin token) that happen to be readable on the agent's machine.
    in_run = _env.first_env("LOOM_RUN_ID", "AZUREML_RUN_ID") is not None
    run_token = _env.first_env("LOOM_RUN_TOKEN", "AZUREML_RUN_TOKEN")
    token = _first(run_token if in_run else None, _env.first_env("LOOM_TOKEN"), config.get("token"),
                   profile.get("token") if _same_server(profile.get("url"), url) else None,
                   _admin_token() if url and _is_loopback(url) else None,
                   run_token)
    return {"url": url, "workspace": workspace, "token": token, "config_file": config_file,
            "subscription_id": config.get("subscription_id"), "resource_group": config.get("resource_group")}


def _read_json(path, quiet=False):
    try:
        with open(path, "r", encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except OSError:
        if quiet:
            return {}
        raise
    except ValueError as error:
        if quiet:
            return {}
        raise ValueError("%s is not valid JSON: %s" % (path, error)) from error
    if not isinstance(data, dict):
        if quiet:
            return {}
        raise ValueError("%s must hold a JSON object" % path)
    return {str(k): v for k, v in data.items()}


def _first(*values):
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _same_server(a, b):
    if not a or not b:
        return not a  # a profile without a URL is for whatever server is used
    return a.rstrip("/").lower() == b.rstrip("/").lower()


def _is_loopback(url):
    try:
        return urllib.parse.urlsplit(url).hostname in _LOOPBACK
    except ValueError:
        return False


def _admin_token():
    data = _env.first_env("LOOM_DATA") or os.path.join(os.path.expanduser("~"), ".loom")
    try:
        with open(os.path.join(data, "admin.token"), "r", encoding="utf-8") as handle:
            return handle.read().strip() or None
    except OSError:
        return None
