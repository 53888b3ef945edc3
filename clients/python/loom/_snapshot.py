"""Code snapshots: walk a source folder with its ignore rules, hash, upload what the server lacks.

Standard library only; mirrors the C# client (``Loom.Client/Snapshots``) and shares its hash cache
files. Ignore rules as Azure ML applies them: ``.amlignore`` and/or ``.loomignore`` in the root when
either exists (then no ``.gitignore`` counts), else every ``.gitignore`` of the tree with git's
semantics. The ``.git`` folder is always left out. Typical use::

    from loom import _snapshot
    result = _snapshot.create("./src")        # {"id": ..., "uploaded_files": 0, ...}
"""

import hashlib
import json
import os
import re
import stat
import uuid

from . import _env
from ._errors import PayloadTooLargeError

__all__ = ["walk", "create", "get", "hash_files", "upload_blobs", "file_mode", "IgnoreRules", "MAX_FILES", "MAX_BYTES"]

MAX_FILES = 100000
MAX_BYTES = 2 * 1024 * 1024 * 1024
_ROOT_IGNORE_FILES = (".amlignore", ".loomignore")
_MISSING_BATCH = 10000
_LARGEST_LISTED = 5


# -- gitignore patterns --------------------------------------------------------------------------

def _translate(pattern):
    """A gitignore glob (without '!' or trailing '/') as a regular expression over '/'-paths."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/") and (i + 2 == n or pattern[i + 2] == "/"):
            if i + 2 == n:              # trailing '/**': everything inside
                out.append(".*")
                i += 2
            else:                       # leading '**/' or middle '/**/': zero or more folders
                out.append("(?:.*/)?")
                i += 3
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] in "!^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:j]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


class _Rule:
    __slots__ = ("negate", "dir_only", "anchored", "regex")

    def __init__(self, line):
        self.negate = line.startswith("!")
        if self.negate:
            line = line[1:]
        elif line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        self.dir_only = line.endswith("/")
        line = line.rstrip("/")
        self.anchored = "/" in line
        line = line.lstrip("/")
        self.regex = re.compile("^" + _translate(line) + "$", re.DOTALL)

    def matches(self, local, is_dir):
        if self.dir_only and not is_dir:
            return False
        target = local if self.anchored else local.rsplit("/", 1)[-1]
        return self.regex.match(target) is not None


def _parse(lines):
    rules = []
    for raw in lines:
        line = raw.rstrip("\n").rstrip("\r")
        # Trailing spaces are dropped unless escaped with a backslash.
        stripped = line.rstrip(" ")
        if stripped.endswith("\\") and len(stripped) < len(line):
            stripped += " "
        line = stripped
        if not line or line.startswith("#"):
            continue
        rules.append(_Rule(line))
    return rules


def _read_lines(path):
    with open(path, "r", encoding="utf-8", errors="replace") as handle:
        return handle.read().splitlines()


class IgnoreRules:
    """One ignore file's rules, applied to paths under its folder, over its parent folder's rules."""

    def __init__(self, parent, base, rules):
        self.parent, self.base, self.rules = parent, base, rules

    def decide(self, relative, is_dir):
        """True ignored, False re-included, None no rule matched."""
        decision = self.parent.decide(relative, is_dir) if self.parent else None
        if not relative.startswith(self.base):
            return decision
        local = relative[len(self.base):]
        for rule in self.rules:
            if rule.matches(local, is_dir):
                decision = not rule.negate
        return decision

    def is_ignored(self, relative, is_dir):
        if is_dir and (relative == ".git" or relative.endswith("/.git")):
            return True
        return bool(self.decide(relative, is_dir))


# -- walking -------------------------------------------------------------------------------------

def file_mode(st):
    """The manifest mode of a file's ``os.stat`` result, like git's: 0755 when its owner may
    execute, else 0644 (so a snapshot id does not depend on umask)."""
    return 0o755 if st.st_mode & stat.S_IXUSR else 0o644


def walk(folder, ignore_files=True):
    """The kept files of ``folder``: ``[(path, full_path, size, mode, mtime_ns)]`` ordered by path.

    With ``ignore_files`` False no ignore file counts (every file but those under ``.git`` is kept)."""
    root = os.path.abspath(folder)
    if not os.path.isdir(root):
        raise FileNotFoundError("source folder %r does not exist" % folder)
    root_files = [os.path.join(root, f) for f in _ROOT_IGNORE_FILES
                  if ignore_files and os.path.isfile(os.path.join(root, f))]
    use_gitignore = ignore_files and not root_files
    if root_files:
        level = IgnoreRules(None, "", _parse([l for f in root_files for l in _read_lines(f)]))
    else:
        level = IgnoreRules(None, "", [])
    files = []

    def enter(parent, full, relative):
        gitignore = os.path.join(full, ".gitignore")
        if use_gitignore and os.path.isfile(gitignore):
            return IgnoreRules(parent, relative, _parse(_read_lines(gitignore)))
        return parent

    def visit(level, full, relative):
        with os.scandir(full) as entries:
            for entry in entries:
                path = relative + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if level.is_ignored(path, True):
                        continue
                    visit(enter(level, entry.path, path + "/"), entry.path, path + "/")
                elif not level.is_ignored(path, False):
                    try:
                        st = os.stat(entry.path)  # follows a file symlink
                    except OSError:
                        continue
                    if stat.S_ISREG(st.st_mode):
                        files.append((path, entry.path, st.st_size, file_mode(st), st.st_mtime_ns // 100 * 100))

    visit(enter(level, root, ""), root, "")
    files.sort(key=lambda f: f[0].encode("utf-16-be"))  # ordinal order of UTF-16, as the server sorts
    return files


# -- hash cache ----------------------------------------------------------------------------------

def default_cache_dir():
    """``$XDG_CACHE_HOME/loom/hashes``, else ``~/.cache/loom/hashes`` (shared with the C# client)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "loom", "hashes")


def _cache_file(root, cache_dir):
    key = hashlib.sha256(os.path.abspath(root).rstrip(os.sep).encode("utf-8")).hexdigest()
    return os.path.join(cache_dir or default_cache_dir(), key + ".json")


def _load_cache(path):
    try:
        with open(path, "r", encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("version") == 1 and isinstance(data.get("files"), dict):
            return data["files"]
    except (OSError, ValueError, AttributeError):
        pass
    return {}


def _save_cache(path, entries):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temp = "%s.%d.%s.tmp" % (path, os.getpid(), uuid.uuid4().hex)
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump({"version": 1, "files": entries}, handle)
        os.replace(temp, path)
    except OSError:
        pass  # a cache that cannot be written only costs re-hashing next time


def _hash_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- upload --------------------------------------------------------------------------------------

def _check_limits(files, max_files, max_bytes):
    total = sum(f[2] for f in files)
    if len(files) <= max_files and total <= max_bytes:
        return
    largest = sorted(files, key=lambda f: (-f[2], f[0]))[:_LARGEST_LISTED]
    detail = ("The snapshot has %d files and %d bytes; the limits are %d files and %d bytes. "
              "Largest files: %s. Leave files out with .amlignore, .loomignore or .gitignore."
              % (len(files), total, max_files, max_bytes,
                 ", ".join("%s (%d bytes)" % (f[0], f[2]) for f in largest)))
    raise PayloadTooLargeError(detail, status=413, code="snapshot_too_large", detail=detail)


def hash_files(files, cache_path=None):
    """Manifest entries ``[{"path", "size", "mode", "sha256"}]`` for ``files`` (as :func:`walk`
    returns them), reading only the files the hash cache at ``cache_path`` does not know (no cache
    when None), and the number of files read: ``(entries, hashed)``."""
    cache = _load_cache(cache_path) if cache_path else {}
    kept, entries, hashed = {}, [], 0
    for path, full, size, mode, mtime in files:
        known = cache.get(path)
        if isinstance(known, dict) and known.get("size") == size and known.get("mtime") == mtime:
            sha = known["sha256"]
        else:
            sha = _hash_file(full)
            hashed += 1
        kept[path] = {"size": size, "mtime": mtime, "sha256": sha}
        entries.append({"path": path, "size": size, "mode": mode, "sha256": sha})
    if cache_path:
        _save_cache(cache_path, kept)
    return entries, hashed


def upload_blobs(client, workspace, entries, files):
    """Upload the contents the server lacks: ``entries`` (from :func:`hash_files`) pair up with
    ``files`` (their local files). Asks ``POST .../snapshots/missing`` which hashes the server does
    not hold and PUTs those to ``.../blobs/{sha256}``; returns ``(files uploaded, bytes uploaded)``."""
    from .client import _q
    ws = "/workspaces/" + _q(workspace or _env.workspace_name())
    by_hash = {}
    for entry, f in zip(entries, files):
        by_hash.setdefault(entry["sha256"], f)
    hashes = list(by_hash)
    missing = []
    for start in range(0, len(hashes), _MISSING_BATCH):
        missing += client._call("POST", ws + "/snapshots/missing",
                                json_body={"sha256": hashes[start:start + _MISSING_BATCH]})["missing"]
    uploaded = 0
    for sha in missing:
        full = by_hash[sha][1]
        opener = lambda full=full: (open(full, "rb"), os.path.getsize(full))  # noqa: E731
        blob = client.http.request("PUT", "/api/v1" + ws + "/blobs/" + sha, body=opener,
                                   headers={"Content-Type": "application/octet-stream"},
                                   retry_for=client.retry_for).json()
        uploaded += blob["size"]
    return len(missing), uploaded


def create(folder, client=None, workspace=None, max_files=MAX_FILES, max_bytes=MAX_BYTES, cache_dir=None,
           required=()):
    """Snapshot ``folder`` on the server and return ``{"id", "files", "bytes", "uploaded_files",
    "uploaded_bytes", "hashed_files"}`` (``hashed_files``: files read because the cache did not know them).

    ``required``: '/'-separated paths that must be in the snapshot (a FileNotFoundError naming the
    ignore rules before anything is uploaded, when one is left out)."""
    from .client import Client, _q
    client = client or Client()
    files = walk(folder)
    kept_paths = {f[0] for f in files}
    for path in required:
        if path not in kept_paths:
            raise FileNotFoundError(
                "%r is left out of the snapshot of %s by its ignore rules (.amlignore, .loomignore or "
                ".gitignore)" % (path, os.path.abspath(folder)))
    _check_limits(files, max_files, max_bytes)
    entries, hashed = hash_files(files, _cache_file(folder, cache_dir))
    uploaded_files, uploaded = upload_blobs(client, workspace, entries, files)
    ws = "/workspaces/" + _q(workspace or _env.workspace_name())
    created = client._call("POST", ws + "/snapshots", json_body={"entries": entries})
    return {"id": created["id"], "files": created["files"], "bytes": created["bytes"],
            "uploaded_files": uploaded_files, "uploaded_bytes": uploaded, "hashed_files": hashed}


def get(snapshot_id, client=None, workspace=None):
    """The manifest of a snapshot: ``{"id", "files", "bytes", "createdTime", "entries"}``."""
    from .client import Client, _q
    client = client or Client()
    return client._call("GET", "/workspaces/" + _q(workspace or _env.workspace_name()) + "/snapshots/" + _q(snapshot_id))
