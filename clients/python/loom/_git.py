"""Git state of a source folder, as the run properties Azure ML v1 records.

Standard library only: asks the ``git`` command through ``subprocess``. Mirrors the C# client
(``Loom.Client/Git/GitInfo.cs``, which reads the repository with libgit2); the shared scenarios in
``tests/vectors/git`` prove both give the same answers. Typical use::

    from loom import _git
    props = _git.capture("./src")    # None outside a work tree or without git
"""

import os
import re
import subprocess

__all__ = ["capture", "REPOSITORY_URI", "BRANCH", "COMMIT", "DIRTY",
           "MLFLOW_COMMIT", "MLFLOW_BRANCH", "MLFLOW_REPO_URL"]

REPOSITORY_URI = "azureml.git.repository_uri"
BRANCH = "azureml.git.branch"
COMMIT = "azureml.git.commit"
DIRTY = "azureml.git.dirty"
MLFLOW_COMMIT = "mlflow.source.git.commit"
MLFLOW_BRANCH = "mlflow.source.git.branch"
MLFLOW_REPO_URL = "mlflow.source.git.repoURL"

_TIMEOUT = 30.0
# Up to the last '@' before the path: a password may hold an unencoded '@' but never a '/'.
_USER_INFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<user>[^/?#:@]*)(?::[^/?#]*)?@")


class _GitFailed(Exception):
    pass


def capture(folder):
    """The git properties of the work tree holding ``folder`` (which may be nested in it), as a dict of
    str to str; None when ``folder`` is not inside a work tree, or git is missing or fails."""
    folder = os.path.abspath(folder)
    if not os.path.isdir(folder):
        return None
    try:
        if _git(folder, "rev-parse", "--is-inside-work-tree") != "true":
            return None
        root = _git(folder, "rev-parse", "--show-toplevel")
        origin = _git(folder, "remote", "get-url", "origin", check=False)
        branch = _git(folder, "symbolic-ref", "--short", "-q", "HEAD", check=False)
        commit = _git(folder, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False)
        # Whole work tree, untracked files included, ignored ones not (git's own default).
        status = _git(folder, "status", "--porcelain", "--untracked-files=normal")
    except (OSError, subprocess.SubprocessError, _GitFailed):
        return None
    uri = _strip_credentials(origin) if origin else os.path.normpath(root)
    return {
        REPOSITORY_URI: uri,
        BRANCH: branch,
        COMMIT: commit,
        DIRTY: "true" if status else "false",
        MLFLOW_REPO_URL: uri,
        MLFLOW_BRANCH: branch,
        MLFLOW_COMMIT: commit,
    }


def _strip_credentials(url):
    """Removes credentials from a URL's authority: all user info for http(s), where a token is often
    the user name; only the password for other schemes (``ssh://git@host/...`` keeps ``git``).
    Scp-like addresses and paths are returned as they are."""
    match = _USER_INFO.match(url)
    if not match:
        return url
    scheme = match.group("scheme")
    kept = "" if scheme.lower() in ("http", "https") else match.group("user") + "@"
    return scheme + "://" + kept + url[match.end():]


def _git(folder, *args, check=True):
    """stdout of ``git -C folder args`` without its trailing newline; "" when a check=False command fails."""
    env = dict(os.environ)
    env["GIT_OPTIONAL_LOCKS"] = "0"     # status must not write the index of the user's repository
    env["LC_ALL"] = "C"
    for leaked in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):   # as set inside git hooks
        env.pop(leaked, None)
    result = subprocess.run(["git", "-C", folder] + list(args), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=_TIMEOUT)
    if result.returncode != 0:
        if check:
            raise _GitFailed(result.stderr.decode("utf-8", "replace").strip())
        return ""
    return result.stdout.decode("utf-8", "replace").rstrip("\n")
