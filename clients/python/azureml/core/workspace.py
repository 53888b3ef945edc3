"""``azureml.core.Workspace`` for Loom: a named Loom workspace on a Loom server."""

from loom import _env
from loom.client import Client

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

    def __repr__(self):
        return "Workspace.create(name=%r)" % self._name

    def __eq__(self, other):
        return isinstance(other, Workspace) and other._name == self._name

    def __hash__(self):
        return hash(self._name)
