"""Thin wrapper over the Loom REST API (see docs/rest-api.md): one method per call, dicts out."""

import io
import os
import shutil
import tempfile
import urllib.parse
import uuid

from . import _env, _logs
from ._http import HttpClient
from ._values import check_path

__all__ = ["Client"]


def _q(segment):
    return urllib.parse.quote(segment, safe="")


def _qpath(path):
    return urllib.parse.quote(path, safe="/")


class Client:
    """A connection to a Loom server.

    Args:
        tracking_uri: server base URL, e.g. ``http://127.0.0.1:8765``; default ``LOOM_TRACKING_URI``.
        token: bearer token; default ``LOOM_TOKEN`` (or the run token of a submitted run).
        timeout: socket timeout in seconds for each request.
        retry_for: seconds to keep retrying a safe request while the server is unreachable or
            answers 408/429/5xx (default ``LOOM_HTTP_RETRY_TIMEOUT`` or 30).
    """

    def __init__(self, tracking_uri=None, token=None, timeout=None, retry_for=None):
        uri = tracking_uri or _env.tracking_uri()
        if not uri:
            raise ValueError("no Loom server: pass tracking_uri or set LOOM_TRACKING_URI")
        self.http = HttpClient(uri, token if token is not None else _env.user_token(),
                               timeout=timeout or _env.float_env("LOOM_HTTP_TIMEOUT", 60.0))
        self.retry_for = retry_for if retry_for is not None else _env.float_env(
            "LOOM_HTTP_RETRY_TIMEOUT", 30.0)

    @property
    def tracking_uri(self):
        """The server base URL."""
        return self.http.base_url

    def _call(self, method, path, query=None, json_body=None, idempotency_key=None, retry=True):
        resp = self.http.request(method, "/api/v1" + path, query=query, json_body=json_body,
                                 idempotency_key=idempotency_key,
                                 retry_for=self.retry_for if retry else 0.0)
        return resp.json()

    @staticmethod
    def _ws(workspace):
        return "/workspaces/" + _q(workspace or _env.workspace_name())

    # -- health, tokens, workspaces ----------------------------------------------------------

    def health(self):
        """``GET /healthz``."""
        return self.http.request("GET", "/healthz", retry_for=0.0).json()

    def create_token(self, name, workspace="*", role="Contributor"):
        """Create an access token (admin only); the answer holds the secret ``token``."""
        return self._call("POST", "/tokens", json_body={"name": name, "workspace": workspace, "role": role})

    def list_tokens(self):
        """All tokens (without secrets)."""
        return self._call("GET", "/tokens")["value"]

    def revoke_token(self, token_id):
        """Revoke a token by id."""
        self._call("DELETE", "/tokens/" + _q(token_id))

    def list_workspaces(self):
        """All workspaces."""
        return self._call("GET", "/workspaces")["value"]

    def create_workspace(self, name, description=None):
        """Create a workspace (``409 workspace_exists`` if it exists)."""
        body = {"name": name}
        if description is not None:
            body["description"] = description
        return self._call("POST", "/workspaces", json_body=body, retry=False)

    def get_workspace(self, name):
        """One workspace with its experiment and run counts."""
        return self._call("GET", "/workspaces/" + _q(name))

    def delete_workspace(self, name, force=False):
        """Delete a workspace (``force`` also deletes its runs)."""
        self._call("DELETE", "/workspaces/" + _q(name), query={"force": True} if force else None)

    # -- experiments -------------------------------------------------------------------------

    def list_experiments(self, workspace=None):
        """Experiments of a workspace."""
        return self._call("GET", self._ws(workspace) + "/experiments")["value"]

    def get_experiment(self, name, workspace=None):
        """One experiment."""
        return self._call("GET", self._ws(workspace) + "/experiments/" + _q(name))

    # -- runs --------------------------------------------------------------------------------

    def create_run(self, experiment=None, workspace=None, parent_run_id=None, display_name=None,
                   description=None, status=None, params=None, tags=None, properties=None,
                   idempotency_key=None):
        """Create a run (retried safely: the Idempotency-Key is fixed for all attempts)."""
        body = {"experiment": experiment, "parentRunId": parent_run_id, "displayName": display_name,
                "description": description, "status": status, "params": params or None,
                "tags": tags or None, "properties": properties or None}
        body = {k: v for k, v in body.items() if v is not None}
        return self._call("POST", self._ws(workspace) + "/runs", json_body=body,
                          idempotency_key=idempotency_key or str(uuid.uuid4()))

    def get_run(self, run_id, workspace=None):
        """One run."""
        return self._call("GET", self._run(workspace, run_id))

    def update_run(self, run_id, workspace=None, **fields):
        """PATCH a run; ``fields`` use the API's names (status, error, displayName, params, tags,
        removeTags, properties...)."""
        return self._call("PATCH", self._run(workspace, run_id),
                          json_body={k: v for k, v in fields.items() if v is not None})

    def cancel_run(self, run_id, workspace=None):
        """Cancel a run."""
        return self._call("POST", self._run(workspace, run_id) + "/cancel")

    def get_children(self, run_id, workspace=None):
        """Direct children of a run, oldest first."""
        return self._call("GET", self._run(workspace, run_id) + "/children")["value"]

    def list_runs(self, workspace=None, experiment=None, filter=None, order_by=None, page_size=None,
                  parent_run_id=None, max_results=None):
        """Runs matching the query, following continuation tokens (up to ``max_results``)."""
        runs, token = [], None
        while True:
            page = self._call("GET", self._ws(workspace) + "/runs", query={
                "experiment": experiment, "filter": filter, "orderBy": order_by,
                "pageSize": page_size, "pageToken": token, "parentRunId": parent_run_id})
            runs.extend(page["value"])
            token = page.get("nextPageToken")
            if not token or (max_results is not None and len(runs) >= max_results):
                return runs if max_results is None else runs[:max_results]

    def _run(self, workspace, run_id):
        return self._ws(workspace) + "/runs/" + _q(run_id)

    def submit_run(self, request, workspace=None, idempotency_key=None):
        """``POST .../runs/submit``: queue a run of a stored snapshot on a compute target.

        ``request`` uses the API's names (experiment, snapshotId, compute, script or command,
        arguments, environment, nodeCount, processCountPerNode, distribution, maxDurationSeconds,
        displayName, description, tags, properties, variables). Retried safely: the
        Idempotency-Key is fixed for all attempts. Returns the run (status ``Queued``).
        """
        body = {k: v for k, v in request.items() if v is not None}
        return self._call("POST", self._ws(workspace) + "/runs/submit", json_body=body,
                          idempotency_key=idempotency_key or str(uuid.uuid4()))

    def get_run_job(self, run_id, workspace=None):
        """What a submitted run runs and where (``404 job_not_found`` for a run not submitted)."""
        return self._call("GET", self._run(workspace, run_id) + "/job")

    # -- logs --------------------------------------------------------------------------------

    def list_logs(self, run_id, workspace=None):
        """The run's log files: ``[{"file", "length"}]``."""
        return self._call("GET", self._run(workspace, run_id) + "/logs")["value"]

    def read_log(self, run_id, file, offset=0, length=None, workspace=None):
        """Bytes of log ``file`` from ``offset`` (``length`` of them, or to the end), and the
        log's whole length: ``(data, total_length)``."""
        resp = self.http.request("GET", "/api/v1" + self._run(workspace, run_id) + "/logs/" + _qpath(file),
                                 query={"offset": offset or None, "length": length},
                                 headers={"Accept": "*/*"}, retry_for=self.retry_for)
        total = resp.headers.get("loom-log-length")
        return resp.data, int(total) if total and total.isdigit() else (offset or 0) + len(resp.data)

    def follow_log(self, run_id, file, offset=0, workspace=None, timeout=None):
        """Follow log ``file`` as it grows: yields ``("chunk", offset, text)`` as bytes arrive,
        then ``("end", status, length)`` once the run has finished (see :mod:`loom._logs`);
        TimeoutError after ``timeout`` seconds."""
        return _logs.follow(self, self._run(workspace, run_id) + "/logs/" + _qpath(file), offset, timeout)

    # -- compute targets ---------------------------------------------------------------------

    def list_computes(self, workspace=None):
        """Compute targets of the workspace, by name."""
        return self._call("GET", self._ws(workspace) + "/computes")["value"]

    def get_compute(self, name, workspace=None):
        """One compute target (``404 compute_not_found`` when missing)."""
        return self._call("GET", self._ws(workspace) + "/computes/" + _q(name))

    def create_compute(self, name, type="local", min_nodes=None, max_nodes=None, idle_seconds=None,
                       description=None, tags=None, workspace=None, idempotency_key=None):
        """Create a compute target (``local`` or ``attached``); a taken name is ``409 compute_exists``."""
        body = {"name": name, "type": type, "minNodes": min_nodes, "maxNodes": max_nodes,
                "idleSeconds": idle_seconds, "description": description, "tags": tags or None}
        return self._call("POST", self._ws(workspace) + "/computes",
                          json_body={k: v for k, v in body.items() if v is not None},
                          idempotency_key=idempotency_key or str(uuid.uuid4()))

    def delete_compute(self, name, workspace=None):
        """Delete a compute target."""
        self._call("DELETE", self._ws(workspace) + "/computes/" + _q(name))

    # -- environments ------------------------------------------------------------------------

    def create_environment(self, name, python=None, image=None, variables=None, description=None,
                           tags=None, workspace=None, idempotency_key=None):
        """Register the next version of environment ``name`` (or get the latest version back when
        its spec is the same). ``python`` uses the API's names: ``{"interpreter", "requirements",
        "pipOptions": {"indexUrl", "extraIndexUrls", "findLinks", "noIndex"}, "systemSitePackages"}``."""
        body = {"name": name, "description": description, "tags": tags or None, "python": python,
                "image": image, "variables": variables or None}
        return self._call("POST", self._ws(workspace) + "/environments",
                          json_body={k: v for k, v in body.items() if v is not None},
                          idempotency_key=idempotency_key or str(uuid.uuid4()))

    def get_environment(self, name, version=None, workspace=None):
        """One version of an environment, the latest when ``version`` is None
        (``404 environment_not_found`` when missing)."""
        return self._call("GET", self._ws(workspace) + "/environments/" + _q(name) + "/versions/"
                          + ("latest" if version is None else _q(str(version))))

    def list_environments(self, workspace=None):
        """Every environment name with its latest version (``system`` first)."""
        return self._call("GET", self._ws(workspace) + "/environments")["value"]

    def list_environment_versions(self, name, workspace=None):
        """Every version of an environment, oldest first."""
        return self._call("GET", self._ws(workspace) + "/environments/" + _q(name) + "/versions")["value"]

    # -- metrics -----------------------------------------------------------------------------

    def post_metrics(self, run_id, body, idempotency_key, workspace=None, retry=False):
        """POST a metric batch; ``body`` is the JSON document or its encoded bytes."""
        path = "/api/v1" + self._run(workspace, run_id) + "/metrics"
        if isinstance(body, (bytes, bytearray)):
            resp = self.http.request("POST", path, body=bytes(body), idempotency_key=idempotency_key,
                                     headers={"Content-Type": "application/json"},
                                     retry_for=self.retry_for if retry else 0.0)
        else:
            resp = self.http.request("POST", path, json_body=body, idempotency_key=idempotency_key,
                                     retry_for=self.retry_for if retry else 0.0)
        return resp.json()

    def get_metrics(self, run_id, workspace=None):
        """Latest value of every metric: ``{name: {"kind", "value", "step", "timestamp", "count"}}``."""
        return self._call("GET", self._run(workspace, run_id) + "/metrics")

    def get_metric_history(self, run_id, name, workspace=None, max_points=None):
        """``{"name", "kind", "count", "points": [{"step", "value", "timestamp"}]}`` in logged order."""
        return self._call("GET", self._run(workspace, run_id) + "/metrics/" + _q(name) + "/history",
                          query={"maxPoints": max_points})

    # -- artifacts ---------------------------------------------------------------------------

    def upload_artifact(self, run_id, path, source, workspace=None):
        """PUT an artifact from a file path, bytes, or a binary stream (streamed, not buffered)."""
        url = "/api/v1" + self._run(workspace, run_id) + "/artifacts/" + _qpath(check_path(path))
        headers = {"Content-Type": "application/octet-stream"}
        if isinstance(source, (bytes, bytearray)):
            data = bytes(source)
            return self.http.request("PUT", url, body=data, headers=headers,
                                     retry_for=self.retry_for).json()
        if isinstance(source, (str, os.PathLike)):
            filename = os.fspath(source)
            opener = lambda: (open(filename, "rb"), os.path.getsize(filename))  # noqa: E731
            return self.http.request("PUT", url, body=opener, headers=headers,
                                     retry_for=self.retry_for).json()
        return self._upload_stream(url, source, headers)

    def _upload_stream(self, url, stream, headers):
        # Retrying needs the bytes again: a seekable stream is rewound, anything else is first
        # spooled to a temporary file (in memory while small).
        if getattr(stream, "seekable", lambda: False)():
            start = stream.tell()
            end = stream.seek(0, io.SEEK_END)

            def opener():
                stream.seek(start)
                return _NoClose(stream), end - start
            return self.http.request("PUT", url, body=opener, headers=headers,
                                     retry_for=self.retry_for).json()
        with tempfile.SpooledTemporaryFile(8 * 1024 * 1024) as spool:
            while True:
                chunk = stream.read(1024 * 1024)
                if not chunk:
                    break
                spool.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            spool.seek(0)
            return self._upload_stream(url, spool, headers)

    def download_artifact(self, run_id, path, destination=None, workspace=None):
        """GET an artifact: its bytes, or written to ``destination`` (a file path) when given."""
        url = "/api/v1" + self._run(workspace, run_id) + "/artifacts/" + _qpath(check_path(path))
        if destination is None:
            return self.http.request("GET", url, retry_for=self.retry_for).data
        folder = os.path.dirname(os.path.abspath(destination))
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False, prefix=".loom-") as tmp:
            try:
                self.http.request("GET", url, retry_for=self.retry_for, sink=tmp,
                                  headers={"Accept": "*/*"})
            except BaseException:
                tmp.close()
                os.unlink(tmp.name)
                raise
        shutil.move(tmp.name, destination)
        return destination

    def list_artifacts(self, run_id, prefix=None, recursive=True, workspace=None):
        """Artifacts under ``prefix``: ``[{"path", "type", "size", "sha256", "createdTime"}]``."""
        return self._call("GET", self._run(workspace, run_id) + "/artifacts",
                          query={"prefix": prefix, "recursive": recursive})["value"]


class _NoClose(io.RawIOBase):
    """Lets the transport 'close' a caller's stream without closing it."""

    def __init__(self, stream):
        super().__init__()
        self._stream = stream

    def readable(self):
        return True

    def read(self, size=-1):
        return self._stream.read(size)

    def readinto(self, buffer):
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)
