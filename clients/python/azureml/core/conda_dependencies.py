"""``azureml.core.conda_dependencies`` for Loom: the package lists of an environment.

Loom builds environments with pip only, so conda packages become pip requirements too (``=`` pins
turned into ``==``), except ``python`` and ``pip`` themselves.
"""

__all__ = ["CondaDependencies"]

_NOT_PIP = ("python", "pip")


class CondaDependencies:
    """Pip (and conda) packages of an environment: ``CondaDependencies.create(pip_packages=[...])``."""

    def __init__(self, conda_dependencies_file_path=None, _underlying_structure=None):
        self._pip = []
        self._conda = []
        self._channels = []
        self._pip_options = []

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
            if _project(package) in _NOT_PIP:
                continue
            name, sep, version = package.partition("=")
            lines.append(name + "==" + version.lstrip("=") if sep and version and not version.startswith(("<", ">", "!")) else package)
        return lines + [p for p in self._pip if p not in lines]


def _project(line):
    for index, char in enumerate(line):
        if char in "=<>!~[; @":
            return line[:index].strip().lower()
    return line.strip().lower()
