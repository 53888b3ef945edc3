"""``azureml.core.conda_dependencies`` for Loom: the package lists of an environment.

Loom builds environments with pip only, so conda packages become pip requirements too (``=`` pins
turned into ``==``), except ``python`` and ``pip`` themselves. The Azure ML SDK packages an
inference or training environment lists (``azureml-defaults``, ``azureml-core``,
``inference-schema``...) are left out: Loom's client bundles the modules they provide, and they are
on the workers' path.
"""

__all__ = ["CondaDependencies"]

_NOT_PIP = ("python", "pip")
# Provided by the client Loom puts on every run's and deployment's PYTHONPATH (azureml.core,
# azureml.exceptions, inference_schema) or not needed on Loom (Azure's HTTP server and monitoring).
_BUNDLED = ("azureml-defaults", "azureml-core", "azureml-sdk", "inference-schema", "azureml-inference-server-http",
            "azureml-monitoring", "azureml-model-management-sdk", "azureml-telemetry")


class CondaDependencies:
    """Pip (and conda) packages of an environment: ``CondaDependencies.create(pip_packages=[...])``."""

    def __init__(self, conda_dependencies_file_path=None, _underlying_structure=None):
        self._pip = []
        self._conda = []
        self._channels = []
        self._pip_options = []
        if conda_dependencies_file_path is not None:
            with open(conda_dependencies_file_path, "r", encoding="utf-8") as handle:
                conda, pip, channels = _parse_conda_file(handle.read())
            for package in conda:
                self.add_conda_package(package)
            for line in pip:
                if line.startswith("-"):
                    self.set_pip_option(line)
                else:
                    self.add_pip_package(line)
            self._channels.extend(channels)

    @staticmethod
    def create(pip_indexurl=None, pip_packages=None, conda_packages=None, python_version=None,
               pin_sdk_version=True):
        """Dependencies with these packages."""
        deps = CondaDependencies()
        for package in conda_packages or ():
            deps.add_conda_package(package)
        for package in pip_packages or ():
            deps.add_pip_package(package)
        if pip_indexurl:
            deps.set_pip_option("--index-url " + pip_indexurl)
        return deps

    def add_pip_package(self, pip_package):
        """Add a pip requirement line (``numpy``, ``scikit-learn==1.2.1``)."""
        if pip_package not in self._pip:
            self._pip.append(pip_package)

    def remove_pip_package(self, pip_package):
        """Remove a pip requirement by its line or its project name."""
        self._pip = [p for p in self._pip if p != pip_package and _project(p) != _project(pip_package)]

    def add_conda_package(self, conda_package):
        """Add a conda package (installed with pip on Loom)."""
        if conda_package not in self._conda:
            self._conda.append(conda_package)

    def remove_conda_package(self, conda_package):
        """Remove a conda package."""
        self._conda = [p for p in self._conda if p != conda_package and _project(p) != _project(conda_package)]

    def add_channel(self, channel):
        """Accepted for compatibility (no conda on Loom)."""
        self._channels.append(channel)

    def set_pip_option(self, pip_option):
        """A pip option line: ``--index-url URL``, ``--extra-index-url URL``, ``--find-links PATH``,
        ``--no-index``."""
        if pip_option not in self._pip_options:
            self._pip_options.append(pip_option)

    @property
    def pip_packages(self):
        """The pip requirement lines."""
        return list(self._pip)

    @property
    def conda_packages(self):
        """The conda packages."""
        return list(self._conda)

    @property
    def pip_options(self):
        """The pip option lines."""
        return list(self._pip_options)

    def _requirements(self):
        lines = []
        for package in self._conda:
            if _project(package) in _NOT_PIP or _project(package) in _BUNDLED:
                continue
            name, sep, version = package.partition("=")
            lines.append(name + "==" + version.lstrip("=") if sep and version and not version.startswith(("<", ">", "!")) else package)
        return lines + [p for p in self._pip if p not in lines and _project(p) not in _BUNDLED]


def _parse_conda_file(text):
    """``(conda packages, pip lines, channels)`` of a conda environment file: the block lists
    ``dependencies:`` (with its ``- pip:`` sub-list) and ``channels:`` in the usual layout."""
    conda, pip, channels = [], [], []
    section = None          # "dependencies", "channels" or None
    pip_indent = None       # indentation of the '- pip:' item while inside its list
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if indent == 0 and not item.startswith("-"):
            key = item.split(":", 1)[0].strip()
            section = key if key in ("dependencies", "channels") else None
            pip_indent = None
            continue
        if section is None or not item.startswith("-"):
            continue
        value = _unquote(item[1:].strip())
        if pip_indent is not None and indent > pip_indent:
            pip.append(value)
            continue
        pip_indent = None
        if section == "channels":
            channels.append(value)
        elif value.rstrip(":").strip() == "pip" and value.endswith(":"):
            pip_indent = indent
        elif value.startswith("pip:"):
            rest = value[4:].strip()
            if rest.startswith("[") and rest.endswith("]"):   # flow style: - pip: [a, b]
                pip.extend(_unquote(p.strip()) for p in rest[1:-1].split(",") if p.strip())
            else:
                pip_indent = indent
        else:
            conda.append(value)
    return conda, pip, channels


def _unquote(text):
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _project(line):
    for index, char in enumerate(line):
        if char in "=<>!~[; @":
            return line[:index].strip().lower()
    return line.strip().lower()
