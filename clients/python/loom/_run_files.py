"""The file side of :class:`loom.Run`: upload and download artifacts, list them."""

import os

from . import _env
from ._errors import LoomError
from ._values import check_path

__all__ = ["RunFiles", "artifact_path"]


class RunFiles:
    """Artifact methods of a run; the run supplies ``_backend``."""

    def upload_file(self, name, path_or_stream):
        """Upload a file (path) or binary stream as artifact ``name``; returns its description."""
        return self._backend.upload(artifact_path(name), path_or_stream)

    def upload_files(self, names, paths):
        """Upload several files; ``names`` and ``paths`` pair up."""
        if len(names) != len(paths):
            raise ValueError("names and paths must have the same length")
        return [self.upload_file(n, p) for n, p in zip(names, paths)]

    def upload_folder(self, name, path):
        """Upload every file under folder ``path`` as ``<name>/<relative path>``; returns the paths."""
        if not os.path.isdir(path):
            raise FileNotFoundError("not a folder: %s" % path)
        prefix = artifact_path(name) if name not in ("", ".", "/") else ""
        uploaded = []
        for folder, dirs, files in os.walk(path):
            dirs.sort()
            for filename in sorted(files):
                full = os.path.join(folder, filename)
                rel = os.path.relpath(full, path).replace(os.sep, "/")
                target = prefix + "/" + rel if prefix else rel
                self._backend.upload(target, full)
                uploaded.append(target)
        return uploaded

    def download_file(self, name, output_file_path=None):
        """Download artifact ``name`` to ``output_file_path`` (default: its base name here)."""
        destination = output_file_path or os.path.basename(name)
        if os.path.isdir(destination):
            destination = os.path.join(destination, os.path.basename(name))
        return self._backend.download(artifact_path(name), destination)

    def download_files(self, prefix=None, output_directory=None):
        """Download every artifact under ``prefix`` into ``output_directory`` (default: here),
        keeping their paths; returns the files written."""
        out_dir = output_directory or os.getcwd()
        written = []
        for name in self.get_file_names(prefix):
            written.append(self._backend.download(name, os.path.join(out_dir, *name.split("/"))))
        return written

    def read_file(self, name):
        """The bytes of artifact ``name``."""
        return self._backend.download(artifact_path(name))

    def get_file_names(self, prefix=None):
        """Paths of the run's artifact files."""
        return [a["path"] for a in self._backend.list_artifacts(prefix)]

    # -- models ------------------------------------------------------------------------------

    def register_model(self, name, path=None, tags=None, properties=None, description=None,
                       framework=None, framework_version=None):
        """Register the run's artifact file or folder ``path`` (default: ``name``), e.g.
        ``outputs/model.pkl``, as the next version of model ``name``, with this run as its source;
        returns the model document (see :meth:`loom.Client.register_model`).

        Inside the run itself, a file or folder at ``path`` that is not uploaded yet (the
        ``outputs`` folder is uploaded when the script ends) is uploaded first.
        """
        if self._backend.offline:
            raise LoomError("an offline run keeps its files locally: there is nothing on a server "
                            "to register as a model (use loom.Client().register_model with a local path)")
        path, _ = self._model_source(name, path)
        return self._backend.client.register_model(
            name, path, run_id=self.id, description=description, tags=tags, properties=properties,
            framework=framework, framework_version=framework_version, workspace=self._backend.workspace)

    def _model_source(self, name, path):
        """The run path to register (uploading it first from this process's run, see
        :meth:`register_model`) and whether the run has files there."""
        path = artifact_path(path if path is not None else name).rstrip("/")
        if self._run_has_files(path):
            return path, True
        if self.id == _env.first_env("LOOM_RUN_ID", "AZUREML_RUN_ID"):
            local = os.path.join(os.getcwd(), *path.split("/"))
            if os.path.isfile(local):
                self.upload_file(path, local)
                return path, True
            if os.path.isdir(local) and self.upload_folder(path, local):
                return path, True
        return path, False

    def _run_has_files(self, path):
        """True when the run has artifact ``path`` or files under folder ``path``."""
        parent = path.rsplit("/", 1)[0] if "/" in path else None
        return any(a["path"] == path or a["path"].startswith(path + "/")
                   for a in self._backend.list_artifacts(parent))


def artifact_path(name):
    """A user's artifact name as a clean relative '/'-separated path."""
    path = os.fspath(name).replace("\\", "/").lstrip("/")
    while path.startswith("./"):
        path = path[2:]
    return check_path(path)
