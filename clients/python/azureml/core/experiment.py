"""``azureml.core.Experiment`` for Loom: a named group of runs in a workspace."""

__all__ = ["Experiment"]


class Experiment:
    """An experiment of a workspace, as in Azure ML v1 (``Experiment(workspace, name)``)."""

    def __init__(self, workspace, name, **kwargs):
        self._workspace = workspace
        self._name = name

    @property
    def name(self):
        """The experiment name."""
        return self._name

    @property
    def workspace(self):
        """The :class:`azureml.core.Workspace` holding the experiment."""
        return self._workspace

    def __repr__(self):
        return "Experiment(Name: %s, Workspace: %s)" % (
            self._name, self._workspace.name if self._workspace is not None else None)

    def __eq__(self, other):
        return isinstance(other, Experiment) and (other._name, other._workspace) == (self._name, self._workspace)

    def __hash__(self):
        return hash(self._name)
