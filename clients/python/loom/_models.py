"""The file side of the model registry: which local files make a model and under which paths they
are stored, and where a downloaded model lands.

Paths follow Azure ML v1: a model is stored under the registered path's last name. A local file
``outputs/model.pkl`` is stored as ``model.pkl``; a local folder ``outputs/model`` as
``model/<relative path>``; a run's ``outputs/model.pkl`` as ``model.pkl``.
"""

import os

from . import _snapshot

__all__ = ["local_files", "model_path_of"]


def local_files(model_path, child_paths=None):
    """The files of local ``model_path`` (a file or folder) as :func:`loom._snapshot.walk` gives
    them, ``[(stored path, full path, size, mode, mtime_ns)]``, and the folder whose hash cache
    fits them (None for a single file): ``(files, cache_folder)``.

    ``child_paths`` (with a folder only): the files or sub-folders of the folder to take, instead
    of all of it. Raises FileNotFoundError when ``model_path`` or a child path does not exist, and
    ValueError when there are no files.
    """
    if model_path is None or os.fspath(model_path) == "":
        raise ValueError("model_path is required")
    model_path = os.fspath(model_path)
    if not os.path.exists(model_path):
        raise FileNotFoundError("model path %r cannot be found (from %s)" % (model_path, os.getcwd()))
    full = os.path.abspath(model_path)
    base = os.path.basename(full.rstrip(os.sep)) or "model"
    if not os.path.isdir(full):
        if child_paths:
            raise ValueError("child_paths needs model_path to be a folder, and %r is a file" % model_path)
        st = os.stat(full)
        return [(base, full, st.st_size, _snapshot.file_mode(st), st.st_mtime_ns // 100 * 100)], None
    files = _snapshot.walk(full, ignore_files=False)
    if child_paths:
        wanted = []
        for child in child_paths:
            child = os.fspath(child)
            if not os.path.exists(os.path.join(full, child)):
                raise FileNotFoundError("child path %r cannot be found in %s" % (child, model_path))
            rel = os.path.relpath(os.path.join(full, child), full).replace(os.sep, "/")
            if rel == "." or rel.startswith("../"):
                raise ValueError("child path %r is not inside %s" % (child, model_path))
            wanted.append(rel)
        files = [f for f in files if any(f[0] == w or f[0].startswith(w + "/") for w in wanted)]
    if not files:
        raise ValueError("model folder %r holds no files" % model_path)
    return [(base + "/" + f[0],) + tuple(f[1:]) for f in files], full


def model_path_of(target_dir, stored_paths):
    """Where a model whose files are ``stored_paths`` lands under ``target_dir``, as Azure ML v1's
    ``Model.download`` answers: the common path of its files (the file of a one-file model, the
    model's folder otherwise)."""
    paths = [os.path.join(target_dir, *p.split("/")) for p in stored_paths]
    if not paths:
        return target_dir
    return os.path.commonpath(paths)
