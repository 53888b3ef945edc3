"""``azureml.core.Workspace`` for Loom: a named Loom workspace on a Loom server.

``Workspace.from_config()`` reads a ``config.json`` as Azure ML does (see :mod:`loom._config` for
where it is looked for and the ``loom_url``/``workspace_name``/``token`` keys).
"""

import json
import os

from loom import LoomError, NotFoundError, UnauthorizedError, _config, _env
from loom.client import Client

from ..exceptions import UserErrorException

__all__ = ["Workspace"]


class Workspace:
    """A Loom workspace (Azure ML's workspace maps onto it by name).

    Args:
        subscription_id, resource_group: accepted for compatibility with Azure ML scripts; unused.
        workspace_name: the Loom workspace (default ``LOOM_WORKSPACE`` or ``default``).
        auth: unused.
    """

    def __init__(self, subscription_id=None, resource_group=None, workspace_name=None, auth=None,
                 _client=None, **kwargs):
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self._name = workspace_name or _env.workspace_name()
        self._client = _client

    @classmethod
    def _for_client(cls, client, name):
        return cls(workspace_name=name, _client=client)

    @staticmethod
    def from_config(path=None, auth=None, _logger=None, _file_name=None):
        """The workspace named by ``config.json`` (in ``path``, or found from the current folder
        upward), or by ``LOOM_TRACKING_URI``/``LOOM_URL``, ``LOOM_WORKSPACE`` and ``LOOM_TOKEN``.

        Checks that the workspace exists; raises UserErrorException when no config names a
        server, the token is refused or the workspace does not exist.
        """
        try:
            found = _config.resolve(path, _file_name)
        except (FileNotFoundError, ValueError) as error:
            raise UserErrorException(str(error)) from error
        if not found["url"]:
            raise UserErrorException(
                "%s does not name a Loom server: add \"loom_url\", or set LOOM_TRACKING_URI"
                % found["config_file"])
        try:
            client = Client(found["url"], found["token"])
        except ValueError as error:
            raise UserErrorException(str(error)) from error
        workspace = Workspace(found["subscription_id"], found["resource_group"], found["workspace"],
                              _client=client)
        workspace._check()
        return workspace

    @staticmethod
    def get(name, auth=None, subscription_id=None, resource_group=None, location=None, **kwargs):
        """Workspace ``name`` on the server of ``LOOM_TRACKING_URI`` (or the CLI's profile)."""
        try:
            found = _config.resolve()
        except (FileNotFoundError, ValueError) as error:
            raise UserErrorException(str(error)) from error
        if not found["url"]:
            raise UserErrorException("no Loom server: set LOOM_TRACKING_URI (or use Workspace.from_config)")
        workspace = Workspace(subscription_id, resource_group, name,
                              _client=Client(found["url"], found["token"]))
        workspace._check()
        return workspace

    def _check(self):
        try:
            self.client.get_workspace(self._name)
        except UnauthorizedError as error:
            raise UserErrorException._from(
                error, "The Loom server at %s refused the token: set LOOM_TOKEN, add \"token\" to "
                "config.json, or run 'loom login'. (%s)" % (self.client.tracking_uri, error)) from error
        except NotFoundError as error:
            raise UserErrorException._from(
                error, "Workspace '%s' does not exist on %s." % (self._name, self.client.tracking_uri)) from error

    def write_config(self, path=None, file_name=None):
        """Write ``.azureml/config.json`` (under ``path``, default the current folder) naming this
        server and workspace; the token is not written. Returns the file's path."""
        folder = os.path.join(os.path.abspath(path or os.getcwd()), ".azureml")
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, file_name or _config.CONFIG_FILE_NAME)
        document = {"subscription_id": self.subscription_id, "resource_group": self.resource_group,
                    "workspace_name": self._name,
                    "loom_url": self.client.tracking_uri if self.client is not None else None}
        with open(target, "w", encoding="utf-8") as handle:
            json.dump({k: v for k, v in document.items() if v is not None}, handle, indent=4)
        return target

    @property
    def name(self):
        """The workspace name."""
        return self._name

    @property
    def client(self):
        """The :class:`loom.Client` used to reach the server (None when offline)."""
        if self._client is None and _env.tracking_uri():
            self._client = Client()
        return self._client

    def _require_client(self):
        client = self.client
        if client is None:
            raise UserErrorException("no Loom server: use Workspace.from_config() or set LOOM_TRACKING_URI")
        return client

    @property
    def compute_targets(self):
        """The workspace's compute targets: ``{name: ComputeTarget}``."""
        from .compute import ComputeTarget
        return {doc["name"]: ComputeTarget._from_doc(self, doc)
                for doc in self._require_client().list_computes(self._name)}

    @property
    def environments(self):
        """The workspace's environments at their latest version: ``{name: Environment}``."""
        from .environment import Environment
        return Environment.list(self)

    @property
    def experiments(self):
        """The workspace's experiments: ``{name: Experiment}``."""
        from .experiment import Experiment
        return {doc["name"]: Experiment(self, doc["name"])
                for doc in self._require_client().list_experiments(self._name)}

    @property
    def models(self):
        """The workspace's models at their latest version: ``{name: Model}``."""
        from .model import Model
        return {model.name: model for model in Model.list(self, latest=True)}

    def get_details(self):
        """The workspace document (name, counts...)."""
        try:
            return self._require_client().get_workspace(self._name)
        except LoomError as error:
            raise UserErrorException._from(error) from error

    def __repr__(self):
        return "Workspace.create(name=%r)" % self._name

    def __eq__(self, other):
        return isinstance(other, Workspace) and other._name == self._name

    def __hash__(self):
        return hash(self._name)
