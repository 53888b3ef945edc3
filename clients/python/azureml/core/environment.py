"""``azureml.core.Environment`` for Loom: a versioned Python spec registered in a workspace.

``Environment.from_pip_requirements(name, "requirements.txt")``, ``env.register(ws)`` and
``Environment.get(ws, name, version=None)`` work as in Azure ML v1, and so does
``Environment.from_conda_specification(name, "env.yml")``. An environment given to a
ScriptRunConfig is registered at submit when it has no version yet. Loom's own knob
``env.python.system_site_packages`` lets the venv see the interpreter's installed packages.
"""

import os
import shlex

from loom import LoomError, NotFoundError

from ..exceptions import UserErrorException
from .conda_dependencies import CondaDependencies

__all__ = ["Environment", "PythonSection", "DockerSection"]

_OPTION_KEYS = {"--index-url": "indexUrl", "-i": "indexUrl", "--extra-index-url": "extraIndexUrls",
                "--find-links": "findLinks", "-f": "findLinks"}


class PythonSection:
    """``env.python``: the interpreter and packages."""

    def __init__(self):
        self.interpreter_path = None
        self.user_managed_dependencies = False
        self.conda_dependencies = CondaDependencies()
        self.system_site_packages = False  # Loom: the venv also sees the interpreter's packages
        self.conda_dependencies_file = None


class DockerSection:
    """``env.docker``: ``base_image`` becomes the environment's container image."""

    def __init__(self):
        self.enabled = False
        self.base_image = None
        self.base_dockerfile = None
        self.base_image_registry = None


class Environment:
    """An environment: ``Environment(name)``; ``version`` is None until registered."""

    def __init__(self, name, **kwargs):
        self.name = name
        self.version = None
        self.python = PythonSection()
        self.docker = DockerSection()
        self.environment_variables = {}
        self.description = None
        self.tags = {}
        self.hash = None

    def __repr__(self):
        return "Environment(Name: %s, Version: %s)" % (self.name, self.version)

    # -- building ----------------------------------------------------------------------------

    @staticmethod
    def from_pip_requirements(name, file_path, pip_version=None):
        """An environment whose packages are the lines of a pip requirements file (``--index-url``,
        ``--extra-index-url``, ``--find-links`` and ``--no-index`` lines become pip options)."""
        env = Environment(name)
        deps = env.python.conda_dependencies
        folder = os.path.dirname(os.path.abspath(file_path))
        with open(file_path, "r", encoding="utf-8") as handle:
            for raw in handle:
                line = raw.split(" #", 1)[0].strip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith("-"):
                    deps.set_pip_option(_absolute_links(line, folder))
                else:
                    deps.add_pip_package(line)
        return env

    @staticmethod
    def from_conda_specification(name, file_path):
        """An environment from a conda specification file: its conda packages and ``pip:``
        sub-list become pip requirements (Loom builds environments with pip; ``python`` and
        ``pip`` themselves and the Azure ML SDK packages the client bundles are left out)."""
        env = Environment(name)
        env.python.conda_dependencies = CondaDependencies(conda_dependencies_file_path=file_path)
        return env

    def _spec(self):
        """The environment as the API's ``POST /environments`` body."""
        python = self.python
        deps = python.conda_dependencies or CondaDependencies()
        requirements = [] if python.user_managed_dependencies else deps._requirements()
        interpreter = python.interpreter_path
        site_packages = bool(python.system_site_packages)
        if python.user_managed_dependencies:
            # Azure: use the interpreter that is there, as it is; a venv of a named interpreter
            # that sees its packages is the closest Loom has.
            site_packages = site_packages or interpreter is not None
            interpreter = interpreter or "agent"
        spec = {"interpreter": interpreter, "requirements": requirements,
                "pipOptions": _pip_options(deps.pip_options) if not python.user_managed_dependencies else None,
                "systemSitePackages": site_packages or None}
        return {"python": {k: v for k, v in spec.items() if v is not None},
                "image": self.docker.base_image if self.docker.base_image else None,
                "variables": {str(k): str(v) for k, v in (self.environment_variables or {}).items()} or None,
                "description": self.description, "tags": dict(self.tags) or None}

    # -- registry ----------------------------------------------------------------------------

    def register(self, workspace):
        """Register this environment in ``workspace``: the next version, or the latest one when
        its spec is unchanged. Returns the registered Environment (this one, with ``version`` set)."""
        client = workspace._require_client()
        try:
            doc = client.create_environment(self.name, workspace=workspace.name, **self._spec())
        except LoomError as error:
            raise UserErrorException._from(error, "Cannot register environment %s: %s" % (self.name, error)) from error
        self._load(doc)
        return self

    @staticmethod
    def get(workspace, name, version=None, label=None):
        """Version ``version`` of environment ``name`` (the latest when None); UserErrorException
        when it does not exist. ``system`` is Loom's curated environment (the agent's interpreter)."""
        client = workspace._require_client()
        try:
            doc = client.get_environment(name, version, workspace.name)
        except NotFoundError as error:
            raise UserErrorException._from(
                error, "Environment %s%s does not exist in workspace %s"
                % (name, "" if version is None else " version %s" % version, workspace.name)) from error
        env = Environment(doc["name"])
        env._load(doc)
        return env

    @staticmethod
    def list(workspace):
        """Every environment of the workspace at its latest version: ``{name: Environment}``."""
        client = workspace._require_client()
        return {entry["name"]: Environment.get(workspace, entry["name"])
                for entry in client.list_environments(workspace.name)}

    def _load(self, doc):
        self.name = doc["name"]
        self.version = str(doc["version"])
        self.hash = doc.get("hash")
        self.description = doc.get("description")
        self.tags = dict(doc.get("tags") or {})
        self.environment_variables = dict(doc.get("variables") or {})
        python = doc.get("python") or {}
        interpreter = python.get("interpreter")
        self.python.user_managed_dependencies = interpreter == "agent"
        self.python.interpreter_path = None if interpreter in (None, "agent") else interpreter
        self.python.system_site_packages = bool(python.get("systemSitePackages"))
        deps = CondaDependencies()
        for line in python.get("requirements") or ():
            deps.add_pip_package(line)
        options = python.get("pipOptions") or {}
        if options.get("indexUrl"):
            deps.set_pip_option("--index-url " + options["indexUrl"])
        for url in options.get("extraIndexUrls") or ():
            deps.set_pip_option("--extra-index-url " + url)
        for link in options.get("findLinks") or ():
            deps.set_pip_option("--find-links " + link)
        if options.get("noIndex"):
            deps.set_pip_option("--no-index")
        self.python.conda_dependencies = deps
        self.docker.base_image = doc.get("image")
        self.docker.enabled = bool(doc.get("image"))

    def _reference(self, workspace):
        """``name:version``, registering first when this environment has no version yet."""
        if self.version is None:
            self.register(workspace)
        return "%s:%s" % (self.name, self.version)


def _pip_options(lines):
    options = {}
    for line in lines:
        parts = shlex.split(line.replace("=", " ", 1) if line.startswith("--") and "=" in line.split()[0] else line)
        if not parts:
            continue
        if parts[0] == "--no-index":
            options["noIndex"] = True
            continue
        key = _OPTION_KEYS.get(parts[0])
        if key is None or len(parts) != 2:
            raise UserErrorException("pip option %r is not supported; use --index-url, --extra-index-url, "
                                     "--find-links or --no-index" % line)
        if key == "indexUrl":
            options[key] = parts[1]
        else:
            options.setdefault(key, []).append(parts[1])
    return options or None


def _absolute_links(line, folder):
    """A ``--find-links``/``-f`` folder relative to the requirements file, made absolute (as pip
    reads it), so the agent finds it wherever it runs."""
    parts = shlex.split(line.replace("=", " ", 1) if line.startswith("--") else line)
    if len(parts) == 2 and parts[0] in ("--find-links", "-f") and "://" not in parts[1] \
            and not os.path.isabs(parts[1]):
        return "%s %s" % (parts[0], os.path.normpath(os.path.join(folder, parts[1])))
    return line
