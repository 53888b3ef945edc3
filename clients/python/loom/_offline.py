"""Offline run storage: a run's data in a local folder, for scripts run without a Loom server.

Layout of ``<root>/<run id>/`` (created on the first write):
``run.json`` (the run document, shaped like the REST API's), ``metrics.jsonl`` (one metric point
or row per line, as sent to ``POST .../metrics``) and ``artifacts/<path>`` (uploaded files).
"""

import datetime
import json
import os
import shutil
import sys
import threading
import uuid

from ._errors import ConflictError, NotFoundError

__all__ = ["OfflineBackend", "default_root"]

_FINISHED = ("Completed", "Failed", "Canceled")
_notice_lock = threading.Lock()
_noticed = False


def default_root():
    """``./.loom/offline`` under the current directory, as an absolute path."""
    return os.path.abspath(os.path.join(".loom", "offline"))


def _now():
    moment = datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def _notice(folder):
    global _noticed
    with _notice_lock:
        if _noticed:
            return
        _noticed = True
    print("loom: not connected to a Loom server (LOOM_TRACKING_URI / LOOM_RUN_ID not set); "
          "logging offline to %s" % folder, file=sys.stderr)


class OfflineBackend:
    """Stores one run in a folder; same interface as the remote backend."""

    offline = True

    def __init__(self, root=None, experiment=None, parent_id=None, display_name=None,
                 params=None, tags=None, properties=None, workspace="offline"):
        self.root = root or default_root()
        self.run_id = "OfflineRun_" + str(uuid.uuid4())
        self.workspace = workspace
        self.experiment = experiment or "offline"
        self.parent_id = parent_id
        self.label = self.run_id
        self.folder = os.path.join(self.root, self.run_id)
        self._lock = threading.Lock()
        now = _now()
        self._doc = {
            "id": self.run_id, "workspace": workspace, "experiment": self.experiment,
            "displayName": display_name, "description": None, "parentRunId": parent_id,
            "rootRunId": None, "status": "Running", "createdTime": now, "startTime": now,
            "endTime": None, "statusHistory": [{"status": "Running", "time": now}], "error": None,
            "params": dict(params or {}), "tags": dict(tags or {}),
            "properties": dict(properties or {}), "metrics": {},
        }
        self._written = False
        _notice(self.root)
        if params or tags or properties:
            self._save()

    # -- storage -----------------------------------------------------------------------------

    def _ensure_folder(self):
        if not self._written:
            os.makedirs(self.folder, exist_ok=True)
            self._written = True

    def _save(self):
        self._ensure_folder()
        tmp = os.path.join(self.folder, "run.json.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(self._doc, handle, indent=2, allow_nan=False)
        os.replace(tmp, os.path.join(self.folder, "run.json"))

    def _read_metrics(self):
        path = os.path.join(self.folder, "metrics.jsonl")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    # -- backend interface -------------------------------------------------------------------

    def send_batch(self, batch):
        """Append a metric batch to ``metrics.jsonl``."""
        payload = batch.payload()
        lines = [json.dumps(dict(p, kind="scalar"), allow_nan=False) for p in payload["points"]]
        lines += [json.dumps(r, allow_nan=False) for r in payload["rows"]]
        with self._lock:
            self._ensure_folder()
            with open(os.path.join(self.folder, "metrics.jsonl"), "a", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")

    def get(self):
        """The run document, with latest metric values."""
        with self._lock:
            doc = json.loads(json.dumps(self._doc))
        doc["metrics"] = {name: m["value"] for name, m in self.metrics().items()
                          if m["kind"] == "scalar"}
        return doc

    def update(self, status=None, error=None, params=None, tags=None, remove_tags=None,
               properties=None, display_name=None, description=None):
        """Apply a change as ``PATCH .../runs/{id}`` would (params/properties write-once)."""
        with self._lock:
            doc = self._doc
            for kind, new, code in (("params", params, "param_immutable"),
                                    ("properties", properties, "property_immutable")):
                for key, value in (new or {}).items():
                    if key in doc[kind] and doc[kind][key] != value:
                        raise ConflictError("%s %r is already %r" % (kind, key, doc[kind][key]),
                                            status=409, code=code)
            if status is not None and status != doc["status"]:
                if doc["status"] in _FINISHED:
                    raise ConflictError("run %s is already %s" % (self.run_id, doc["status"]),
                                        status=409, code="invalid_status_transition")
                now = _now()
                doc["status"] = status
                doc["statusHistory"].append({"status": status, "time": now})
                if status in _FINISHED:
                    doc["endTime"] = now
            if error is not None:
                doc["error"] = error
            doc["params"].update(params or {})
            doc["properties"].update(properties or {})
            doc["tags"].update(tags or {})
            for key in remove_tags or ():
                doc["tags"].pop(key, None)
            if display_name is not None:
                doc["displayName"] = display_name
            if description is not None:
                doc["description"] = description
            self._save()
        return self.get()

    def cancel(self):
        """Mark the run Canceled."""
        return self.update(status="Canceled")

    def create_child(self, display_name=None, params=None, tags=None, properties=None):
        """A new offline run whose parent is this one."""
        return OfflineBackend(self.root, self.experiment, self.run_id, display_name, params, tags,
                              properties, self.workspace)

    def children(self):
        """Direct children stored under the same root, oldest first."""
        found = []
        if os.path.isdir(self.root):
            for entry in os.listdir(self.root):
                path = os.path.join(self.root, entry, "run.json")
                if os.path.exists(path):
                    with open(path, encoding="utf-8") as handle:
                        doc = json.load(handle)
                    if doc.get("parentRunId") == self.run_id:
                        found.append(doc)
        return sorted(found, key=lambda d: d["createdTime"])

    def upload(self, path, source):
        """Copy a file, bytes or stream to ``artifacts/<path>``."""
        target = os.path.join(self.folder, "artifacts", *path.split("/"))
        with self._lock:
            self._ensure_folder()
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if isinstance(source, (bytes, bytearray)):
            with open(target, "wb") as handle:
                handle.write(source)
        elif isinstance(source, (str, os.PathLike)):
            shutil.copyfile(source, target)
        else:
            with open(target, "wb") as handle:
                while True:
                    chunk = source.read(1024 * 1024)
                    if not chunk:
                        break
                    handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        return {"path": path, "size": os.path.getsize(target)}

    def download(self, path, destination=None):
        """An artifact's bytes, or copied to ``destination``."""
        source = os.path.join(self.folder, "artifacts", *path.split("/"))
        if not os.path.isfile(source):
            raise NotFoundError("artifact %r not found" % path, status=404, code="artifact_not_found")
        if destination is None:
            with open(source, "rb") as handle:
                return handle.read()
        os.makedirs(os.path.dirname(os.path.abspath(destination)), exist_ok=True)
        shutil.copyfile(source, destination)
        return destination

    def list_artifacts(self, prefix=None):
        """Stored artifact files (recursive)."""
        base = os.path.join(self.folder, "artifacts")
        out = []
        for folder, _, files in os.walk(base):
            for name in files:
                rel = os.path.relpath(os.path.join(folder, name), base).replace(os.sep, "/")
                if not prefix or rel.startswith(prefix):
                    out.append({"path": rel, "type": "file",
                                "size": os.path.getsize(os.path.join(folder, name))})
        return sorted(out, key=lambda a: a["path"])

    def metrics(self):
        """Latest value of each metric, shaped like ``GET .../metrics``."""
        latest = {}
        for record in self._read_metrics():
            name = record["name"]
            current = latest.get(name)
            count = current["count"] + 1 if current else 1
            if current is None or record["step"] >= current["step"]:
                current = {"kind": record["kind"], "value": record["value"],
                           "step": record["step"], "timestamp": record["timestamp"]}
            current["count"] = count
            latest[name] = current
        return latest

    def history(self, name):
        """All values of one metric in logged order, shaped like ``GET .../history``."""
        points = [r for r in self._read_metrics() if r["name"] == name]
        if not points:
            raise NotFoundError("metric %r not found" % name, status=404, code="metric_not_found")
        return {"name": name, "kind": points[0]["kind"], "count": len(points),
                "points": [{"step": p["step"], "value": p["value"], "timestamp": p["timestamp"]}
                           for p in points]}
