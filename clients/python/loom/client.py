"""Thin wrapper over the Loom REST API (see docs/rest-api.md): one method per call, dicts out."""

import io
import json
import os
import shutil
import tempfile
import time
import urllib.parse
import uuid

from . import _env, _logs, _models, _snapshot
from ._http import HttpClient
from ._values import check_path, key_value_strings

__all__ = ["Client"]


def _q(segment):
    return urllib.parse.quote(segment, safe="")


def _qpath(path):
    return urllib.parse.quote(path, safe="/")


def _models_run_path(path):
    """A run's artifact file or folder as the API takes it: '/'-separated, no leading './' or '/',
    no trailing '/'."""
    path = os.fspath(path).replace("\\", "/").strip()
    while path.startswith("./"):
        path = path[2:]
    return check_path(path.strip("/"))


def _tag_filters(tags):
    """``tag`` query values (``key`` or ``key=value``) for a dict or a v1-style list of tags."""
    if not tags:
        return []
    if isinstance(tags, dict):
        return ["%s=%s" % (k, v) if v is not None else str(k) for k, v in tags.items()]
    if isinstance(tags, str):
        return [tags]
    filters = []
    for tag in tags:
        if isinstance(tag, (list, tuple)):
            filters.append("%s=%s" % (tag[0], tag[1]) if len(tag) > 1 else str(tag[0]))
        else:
            filters.append(str(tag))
    return filters


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
        return self._download(url, destination)

    def _download(self, url, destination=None):
        """GET ``url``: its bytes, or written to ``destination`` (through a temporary file in its
        folder, renamed when complete) and ``destination`` returned."""
        if destination is None:
            return self.http.request("GET", url, retry_for=self.retry_for, headers={"Accept": "*/*"}).data
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

    # -- models ------------------------------------------------------------------------------

    def _model(self, workspace, name, version=None):
        return (self._ws(workspace) + "/models/" + _q(name) + "/versions/"
                + ("latest" if version is None else _q(str(version))))

    def register_model(self, name, path=None, run_id=None, description=None, tags=None, properties=None,
                       framework=None, framework_version=None, child_paths=None, workspace=None,
                       idempotency_key=None):
        """Register the next version of model ``name`` and return it.

        From local files: ``path`` is a file or folder; the model's files are stored under its
        last name (``out/model.pkl`` as ``model.pkl``, folder ``out/model`` as ``model/...``);
        ``child_paths`` takes only those files or sub-folders of a folder. Only the contents the
        server does not hold yet are uploaded.

        From a run: ``run_id`` and ``path``, the run's artifact file or folder (``outputs/model.pkl``,
        ``outputs/model``); the run is recorded as the model's source.

        Retried safely: the Idempotency-Key is fixed for all attempts. Returns ``{"name",
        "version", "description", "tags", "properties", "framework", "frameworkVersion", "runId",
        "runPath", "files", "bytes", "manifestId", "createdTime"}``.
        """
        body = {"name": name, "description": description, "tags": key_value_strings("tag", tags) or None,
                "properties": key_value_strings("property", properties) or None, "framework": framework,
                "frameworkVersion": framework_version}
        if run_id is not None:
            if path is None or not str(path).strip("/. "):
                raise ValueError("registering from a run needs the path of its file or folder, e.g. outputs/model.pkl")
            if child_paths:
                raise ValueError("child_paths applies to a local folder, not to a run's files")
            body["runId"] = run_id
            body["path"] = _models_run_path(path)
        else:
            files, cache_folder = _models.local_files(path, child_paths)
            cache = None
            if cache_folder:
                cache = _snapshot._cache_file(cache_folder, os.path.join(_snapshot.default_cache_dir(), "models"))
            entries, _ = _snapshot.hash_files(files, cache)
            _snapshot.upload_blobs(self, workspace, entries, files)
            body["files"] = entries
        return self._call("POST", self._ws(workspace) + "/models",
                          json_body={k: v for k, v in body.items() if v is not None},
                          idempotency_key=idempotency_key or str(uuid.uuid4()))

    def get_model(self, name, version=None, workspace=None):
        """One version of a model, the latest when ``version`` is None (``404 model_not_found``)."""
        return self._call("GET", self._model(workspace, name, version))

    def list_models(self, name=None, tags=None, all_versions=False, workspace=None, max_results=None,
                    page_size=None):
        """Models matching the query, following continuation tokens: the latest version of each
        name, or every version with ``all_versions``. ``tags``: a dict of required values, or a
        list of ``"key"``, ``"key=value"`` or ``[key, value]`` items."""
        query_tags = _tag_filters(tags)
        models, token = [], None
        while True:
            page = self._call("GET", self._ws(workspace) + "/models", query={
                "name": name, "tag": query_tags or None, "allVersions": bool(all_versions) or None,
                "pageSize": page_size, "pageToken": token})
            models.extend(page["value"])
            token = page.get("nextPageToken")
            if not token or (max_results is not None and len(models) >= max_results):
                return models if max_results is None else models[:max_results]

    def list_model_versions(self, name, workspace=None):
        """Every version of a model (``404 model_not_found`` when the name has none)."""
        return self._call("GET", self._ws(workspace) + "/models/" + _q(name) + "/versions")["value"]

    def update_model(self, name, version, tags=None, remove_tags=None, description=None, workspace=None):
        """Add or change ``tags``, remove the tag keys ``remove_tags``, set ``description``;
        returns the model."""
        body = {"tags": key_value_strings("tag", tags) or None,
                "removeTags": list(remove_tags) if remove_tags else None,
                "description": description}
        return self._call("PATCH", self._model(workspace, name, version),
                          json_body={k: v for k, v in body.items() if v is not None})

    def delete_model(self, name, version, workspace=None):
        """Delete one version of a model (``409 model_in_use`` while a deployment uses it)."""
        self._call("DELETE", self._model(workspace, name, version))

    def list_model_files(self, name, version=None, workspace=None):
        """The files of a model version: ``[{"path", "size", "mode", "sha256"}]``."""
        return self._call("GET", self._model(workspace, name, version) + "/files")["value"]

    def download_model_file(self, name, version, path, destination=None, workspace=None):
        """One file of a model version: its bytes, or written to ``destination``."""
        return self._download("/api/v1" + self._model(workspace, name, version) + "/files/"
                              + _qpath(check_path(path)), destination)

    def download_model_zip(self, name, version, destination, workspace=None):
        """A model version's files as one zip archive written to ``destination``."""
        return self._download("/api/v1" + self._model(workspace, name, version) + "/zip", destination)

    def download_model(self, name, version=None, target_dir=".", exist_ok=False, workspace=None):
        """Download a model version's files under ``target_dir`` with their stored paths (the
        latest version when ``version`` is None) and return the model's path there, as Azure ML
        v1 does: the file of a one-file model, else the common folder of its files.

        Raises FileExistsError, before writing anything, when a file is there already and
        ``exist_ok`` is False.
        """
        if version is None or str(version) == "latest":
            version = self.get_model(name, None, workspace)["version"]
        files = self.list_model_files(name, version, workspace)
        targets = [(f["path"], os.path.join(target_dir, *check_path(f["path"]).split("/"))) for f in files]
        if not exist_ok:
            for _, target in targets:
                if os.path.exists(target):
                    raise FileExistsError("File already exists. To overwrite, set exist_ok to True. %s" % target)
        for path, target in targets:
            self.download_model_file(name, version, path, target, workspace)
        return _models.model_path_of(target_dir, [f["path"] for f in files])

    def get_run_models(self, run_id, workspace=None):
        """The models registered from a run."""
        return self._call("GET", self._run(workspace, run_id) + "/models")["value"]


    # -- endpoints and deployments -----------------------------------------------------------

    def _endpoint(self, workspace, name):
        return self._ws(workspace) + "/endpoints/" + _q(name)

    def _deployment(self, workspace, endpoint, name):
        return self._endpoint(workspace, endpoint) + "/deployments/" + _q(name)

    def create_endpoint(self, name, auth_mode="key", description=None, tags=None, workspace=None,
                        idempotency_key=None):
        """Create an online endpoint (``409 endpoint_exists`` if it exists). ``auth_mode``: ``key``
        (callers send one of its keys as ``Authorization: Bearer <key>``) or ``token`` (a Loom token
        with Reader in the workspace). Returns ``{"name", "authMode", "scoringUri", "swaggerUri",
        "traffic", "deployments", "description", "tags", "createdTime"}``."""
        body = {"name": name, "authMode": auth_mode, "description": description,
                "tags": key_value_strings("tag", tags) or None}
        return self._call("POST", self._ws(workspace) + "/endpoints",
                          json_body={k: v for k, v in body.items() if v is not None},
                          idempotency_key=idempotency_key or str(uuid.uuid4()))

    def list_endpoints(self, workspace=None):
        """The workspace's endpoints."""
        return _values_of(self._call("GET", self._ws(workspace) + "/endpoints"))

    def get_endpoint(self, name, workspace=None):
        """One endpoint (``404 endpoint_not_found``)."""
        return self._call("GET", self._endpoint(workspace, name))

    def update_endpoint(self, name, traffic=None, description=None, tags=None, workspace=None):
        """Change an endpoint: ``traffic`` ``{deployment: weight}`` (integers summing to 100, or
        ``{}``), ``description``, ``tags`` (replaces them). Returns the endpoint."""
        body = {"traffic": {str(k): int(v) for k, v in traffic.items()} if traffic is not None else None,
                "description": description,
                "tags": key_value_strings("tag", tags) if tags is not None else None}
        return self._call("PATCH", self._endpoint(workspace, name),
                          json_body={k: v for k, v in body.items() if v is not None})

    def delete_endpoint(self, name, workspace=None):
        """Delete an endpoint, stopping and deleting its deployments."""
        self._call("DELETE", self._endpoint(workspace, name))

    def endpoint_keys(self, name, workspace=None):
        """The keys of an endpoint: ``{"primaryKey", "secondaryKey"}``."""
        return self._call("GET", self._endpoint(workspace, name) + "/keys")

    def regenerate_endpoint_key(self, name, key_type="primary", workspace=None):
        """Replace the ``primary`` or ``secondary`` key of an endpoint; returns the keys."""
        key_type = str(key_type).lower()
        if key_type not in ("primary", "secondary"):
            raise ValueError("key_type must be 'primary' or 'secondary', got %r" % key_type)
        return self._call("POST", self._endpoint(workspace, name) + "/keys/regenerate",
                          json_body={"keyType": key_type}, retry=False)

    def endpoint_metrics(self, name, minutes=60, workspace=None):
        """Request counts, latency percentiles and errors of an endpoint over the last ``minutes``."""
        return self._call("GET", self._endpoint(workspace, name) + "/metrics", query={"minutes": minutes})

    def create_deployment(self, endpoint, name, models, entry_script=None, environment=None, snapshot_id=None,
                          source_dir=None, min_replicas=None, max_replicas=None, workers_per_replica=None,
                          max_concurrent_requests_per_replica=None, request_timeout_ms=None,
                          sample_request=None, variables=None, workspace=None, idempotency_key=None):
        """Create a deployment of ``endpoint`` and return it at once, in state ``Updating``; the server
        then proves it (every worker's ``init()``, then the sample request) and sets ``Succeeded`` or
        ``Failed`` (see :meth:`wait_for_deployment`).

        ``models``: ``"name:version"`` (or ``"name"``, the latest version) strings; ``entry_script``:
        a file of the source folder, given as ``snapshot_id`` or as a local ``source_dir`` that is
        snapshotted here (the run submission's ignore rules apply); ``environment``: ``"name[:version]"``
        (default the ``system`` environment); ``sample_request``: JSON text (or a value, serialized);
        ``variables``: environment variables of the workers. Retried safely (one Idempotency-Key
        for all attempts), as :meth:`create_endpoint` is."""
        workspace = workspace or _env.workspace_name()
        if source_dir is not None:
            if snapshot_id is not None:
                raise ValueError("pass snapshot_id or source_dir, not both")
            snapshot_id = self.snapshot_source(source_dir, entry_script, workspace)["id"]
        body = {"name": name, "models": _model_references(models), "environment": environment,
                "snapshotId": snapshot_id, "entryScript": _script_path(entry_script) if entry_script else None,
                "minReplicas": min_replicas,
                "maxReplicas": max_replicas, "workersPerReplica": workers_per_replica,
                "maxConcurrentRequestsPerReplica": max_concurrent_requests_per_replica,
                "requestTimeoutMs": request_timeout_ms, "sampleRequest": _json_text(sample_request),
                "variables": key_value_strings("variable", variables) or None}
        return self._call("POST", self._endpoint(workspace, endpoint) + "/deployments",
                          json_body={k: v for k, v in body.items() if v is not None},
                          idempotency_key=idempotency_key or str(uuid.uuid4()))

    def snapshot_source(self, source_dir, entry_script=None, workspace=None):
        """Snapshot a deployment's source folder (checking that ``entry_script`` is kept by the
        ignore rules); returns :func:`loom.snapshot.create`'s answer (``id``, ...)."""
        required = [_script_path(entry_script)] if entry_script else ()
        return _snapshot.create(source_dir, client=self, workspace=workspace or _env.workspace_name(),
                                required=required)

    def list_deployments(self, endpoint, workspace=None):
        """The deployments of an endpoint."""
        return _values_of(self._call("GET", self._endpoint(workspace, endpoint) + "/deployments"))

    def get_deployment(self, endpoint, name, workspace=None):
        """One deployment: its state (``Updating``, ``Succeeded``, ``Failed``), ``error`` and, when
        it failed, ``initLog``; ``generation`` grows with each update."""
        return self._call("GET", self._deployment(workspace, endpoint, name))

    def update_deployment(self, endpoint, name, models=None, entry_script=None, environment=None,
                          snapshot_id=None, source_dir=None, min_replicas=None, max_replicas=None,
                          workers_per_replica=None, max_concurrent_requests_per_replica=None,
                          request_timeout_ms=None, sample_request=None, variables=None, workspace=None):
        """Change a deployment (only what is given): a new generation is proven while the previous one
        keeps serving. Returns the deployment (``Updating``)."""
        workspace = workspace or _env.workspace_name()
        if source_dir is not None:
            if snapshot_id is not None:
                raise ValueError("pass snapshot_id or source_dir, not both")
            script = entry_script or self.get_deployment(endpoint, name, workspace).get("entryScript")
            snapshot_id = self.snapshot_source(source_dir, script, workspace)["id"]
        body = {"models": _model_references(models) if models is not None else None, "environment": environment,
                "snapshotId": snapshot_id, "entryScript": _script_path(entry_script) if entry_script else None,
                "minReplicas": min_replicas,
                "maxReplicas": max_replicas, "workersPerReplica": workers_per_replica,
                "maxConcurrentRequestsPerReplica": max_concurrent_requests_per_replica,
                "requestTimeoutMs": request_timeout_ms, "sampleRequest": _json_text(sample_request),
                "variables": key_value_strings("variable", variables) if variables is not None else None}
        return self._call("PATCH", self._deployment(workspace, endpoint, name),
                          json_body={k: v for k, v in body.items() if v is not None})

    def delete_deployment(self, endpoint, name, workspace=None):
        """Delete a deployment (``409 deployment_has_traffic`` while it takes traffic and another
        deployment exists)."""
        self._call("DELETE", self._deployment(workspace, endpoint, name))

    def deployment_logs(self, endpoint, name, lines=None, workspace=None):
        """The recent log lines of a deployment (worker init output, errors), oldest first."""
        answer = self._call("GET", self._deployment(workspace, endpoint, name) + "/logs",
                            query={"lines": lines})
        return list((answer or {}).get("lines") or [])

    def wait_for_deployment(self, endpoint, name, timeout=None, interval=0.5, generation=None, workspace=None):
        """Poll a deployment until it is no longer ``Updating`` (and, with ``generation``, has reached
        it); return it. Raises TimeoutError after ``timeout`` seconds (None: no limit)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = min(interval, 0.2)
        while True:
            doc = self.get_deployment(endpoint, name, workspace)
            if doc.get("state") != "Updating" and (generation is None or (doc.get("generation") or 0) >= generation):
                return doc
            if deadline is not None and time.monotonic() + delay > deadline:
                raise TimeoutError("deployment %s/%s is still %s after %s s" % (endpoint, name, doc.get("state"), timeout))
            time.sleep(delay)
            delay = min(delay * 1.5, interval)

    def scoring_uri(self, endpoint, workspace=None):
        """The scoring URI of an endpoint: ``{server}/endpoints/{workspace}/{endpoint}/score``."""
        return "%s/endpoints/%s/%s/score" % (self.tracking_uri, _q(workspace or _env.workspace_name()), _q(endpoint))

    def invoke(self, endpoint, data, key=None, deployment=None, content_type=None, timeout=None, workspace=None):
        """Score a request on an endpoint and return the answer: the decoded JSON when the server
        answered JSON, else the bytes.

        ``data``: bytes or str sent as they are, anything else serialized as JSON. ``key``: sent as
        ``Authorization: Bearer <key>``; without one, the endpoint's primary key (``key`` mode) or
        this client's token (``token`` mode) is used. ``deployment`` pins a deployment
        (``azureml-model-deployment`` header). ``timeout``: seconds to wait for the answer (default
90, beyond the server's default request timeout of 60). Errors are LoomErrors: 401 UnauthorizedError, 400
        ``invalid_request`` or ``invalid_scoring_input`` (not the input the deployment declares), 502 ``scoring_error``/``worker_crashed``, 503 ``overloaded``/
        ``deployment_not_ready``, 504 ``scoring_timeout``."""
        if key is None:
            doc = self.get_endpoint(endpoint, workspace)
            key = (self.endpoint_keys(endpoint, workspace)["primaryKey"]
                   if doc.get("authMode", "key") == "key" else self.http.token)
            uri = doc.get("scoringUri") or self.scoring_uri(endpoint, workspace)
        else:
            uri = self.scoring_uri(endpoint, workspace)
        response = score(uri, data, key=key, deployment=deployment, content_type=content_type,
                         timeout=timeout or max(self.http.timeout, 90.0))
        return decode_score(response)


def _values_of(answer):
    """A list answer's items (``{"value": [...]}`` or a bare list)."""
    if isinstance(answer, dict):
        return list(answer.get("value") or [])
    return list(answer or [])


def _model_references(models):
    """``"name:version"`` strings for model references: strings, ``(name, version)`` pairs, dicts
    with name/version, or objects with ``name`` and ``version`` (``azureml.core.Model``)."""
    if isinstance(models, (str, bytes)) or not hasattr(models, "__iter__"):
        models = [models]
    out = []
    for model in models:
        if isinstance(model, str):
            out.append(model)
        elif isinstance(model, (tuple, list)) and len(model) == 2:
            out.append("%s:%s" % (model[0], model[1]))
        elif isinstance(model, dict):
            out.append(model["name"] if model.get("version") is None else "%s:%s" % (model["name"], model["version"]))
        elif getattr(model, "name", None):
            version = getattr(model, "version", None)
            out.append(model.name if version is None else "%s:%s" % (model.name, version))
        else:
            raise ValueError("not a model reference: %r (use 'name:version')" % (model,))
    return out


def _script_path(path):
    """An entry script's '/'-separated path inside its source folder (no leading './')."""
    path = os.fspath(path).replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _json_text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return json.dumps(value)


def score(scoring_uri, data, key=None, deployment=None, content_type=None, timeout=60.0, headers=None):
    """POST ``data`` to a scoring URI (no retries: scoring is not idempotent) and return the
    :class:`loom._http.Response`; raise a LoomError for an error answer."""
    parts = urllib.parse.urlsplit(scoring_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("scoring URI must be an http(s) URL, got %r" % scoring_uri)
    if isinstance(data, str):
        body = data.encode("utf-8")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        body = bytes(data)
    else:
        body = json.dumps(data).encode("utf-8")
    hdrs = {"Content-Type": content_type or "application/json"}
    if deployment:
        hdrs["azureml-model-deployment"] = deployment
    hdrs.update(headers or {})
    http = HttpClient("%s://%s" % (parts.scheme, parts.netloc), token=key, timeout=timeout)
    path = parts.path + ("?" + parts.query if parts.query else "")
    return http.request("POST", path, body=body, headers=hdrs, retry_for=0.0)


def decode_score(response):
    """A scoring answer's value: the decoded JSON when it is JSON, else the bytes."""
    if "json" in response.headers.get("content-type", "") and response.data:
        try:
            return json.loads(response.data.decode("utf-8"))
        except ValueError:
            pass
    return response.data


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
