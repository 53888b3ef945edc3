"""Remote run storage: a run kept by a Loom server, reached through :class:`loom.client.Client`."""

__all__ = ["RemoteBackend"]


class RemoteBackend:
    """One run on a Loom server; same interface as :class:`loom._offline.OfflineBackend`."""

    offline = False

    def __init__(self, client, workspace, run):
        self.client = client
        self.workspace = workspace
        self.run_id = run["id"]
        self.experiment = run.get("experiment")
        self.parent_id = run.get("parentRunId")
        self.label = self.run_id

    def send_batch(self, batch):
        """POST one metric batch with its own Idempotency-Key (the batcher does the retrying)."""
        self.client.post_metrics(self.run_id, batch.body(), batch.key, workspace=self.workspace)

    def get(self):
        """The run document."""
        return self.client.get_run(self.run_id, self.workspace)

    def update(self, status=None, error=None, params=None, tags=None, remove_tags=None,
               properties=None, display_name=None, description=None):
        """PATCH the run."""
        return self.client.update_run(
            self.run_id, self.workspace, status=status, error=error, params=params or None,
            tags=tags or None, removeTags=list(remove_tags) if remove_tags else None,
            properties=properties or None, displayName=display_name, description=description)

    def cancel(self):
        """Cancel the run."""
        return self.client.cancel_run(self.run_id, self.workspace)

    def create_child(self, display_name=None, params=None, tags=None, properties=None):
        """Create a child run (in the parent's experiment) and return its backend."""
        run = self.client.create_run(workspace=self.workspace, parent_run_id=self.run_id,
                                     display_name=display_name, params=params, tags=tags,
                                     properties=properties)
        return RemoteBackend(self.client, self.workspace, run)

    def children(self):
        """Direct children, oldest first."""
        return self.client.get_children(self.run_id, self.workspace)

    def upload(self, path, source):
        """PUT an artifact."""
        return self.client.upload_artifact(self.run_id, path, source, workspace=self.workspace)

    def download(self, path, destination=None):
        """GET an artifact (bytes, or into ``destination``)."""
        return self.client.download_artifact(self.run_id, path, destination, workspace=self.workspace)

    def list_artifacts(self, prefix=None):
        """Artifact files under ``prefix`` (recursive)."""
        return [a for a in self.client.list_artifacts(self.run_id, prefix=prefix, recursive=True,
                                                      workspace=self.workspace)
                if a.get("type", "file") == "file"]

    def metrics(self):
        """Latest value of each metric."""
        return self.client.get_metrics(self.run_id, self.workspace)

    def history(self, name):
        """Full history of one metric."""
        return self.client.get_metric_history(self.run_id, name, workspace=self.workspace)
