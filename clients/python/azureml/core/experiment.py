"""``azureml.core.Experiment`` for Loom: a named group of runs in a workspace."""

__all__ = ["Experiment"]


class Experiment:
    """An experiment of a workspace, as in Azure ML v1 (``Experiment(workspace, name)``).

    Loom creates the experiment with its first run.
    """

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

    def submit(self, config, tags=None, **kwargs):
        """Submit a :class:`azureml.core.ScriptRunConfig`: snapshot its source folder, queue the
        run on its compute target and return the :class:`azureml.core.Run` (status Queued)."""
        submitter = getattr(config, "_submit", None)
        if submitter is None:
            from ..exceptions import UserErrorException
            raise UserErrorException("Loom submits ScriptRunConfig objects, not %s" % type(config).__name__)
        return submitter(self, tags)

    def start_logging(self, *args, **kwargs):
        """Start an interactive run (status Running) to log to from this process; complete it
        with ``run.complete()``. ``display_name`` and ``tags`` are applied."""
        from .run import Run
        client = self._workspace._require_client()
        doc = client.create_run(experiment=self._name, workspace=self._workspace.name,
                                display_name=kwargs.get("display_name"),
                                tags={str(k): str(v) for k, v in (kwargs.get("tags") or {}).items()} or None)
        return Run._from_doc(self, doc)

    def get_runs(self, type=None, tags=None, properties=None, include_children=False):
        """The experiment's runs, newest first (top-level ones unless ``include_children``)."""
        from .run import Run, _matches
        client = self._workspace._require_client()
        for doc in client.list_runs(self._workspace.name, experiment=self._name,
                                    parent_run_id=None if include_children else "none"):
            if _matches(doc, tags, properties, None):
                yield Run._from_doc(self, doc)

    def __repr__(self):
        return "Experiment(Name: %s, Workspace: %s)" % (
            self._name, self._workspace.name if self._workspace is not None else None)

    def __eq__(self, other):
        return isinstance(other, Experiment) and (other._name, other._workspace) == (self._name, self._workspace)

    def __hash__(self):
        return hash(self._name)
