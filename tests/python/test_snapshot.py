"""Snapshots from Python: the shared ignore vectors, and create + re-create uploading nothing."""

import glob
import io
import json
import os
import shutil
import tempfile
import unittest
import zipfile

import loomtest

import loom
from loom import _snapshot

VECTORS = os.path.join(loomtest.REPO, "tests", "vectors", "ignore")


def write_files(root, files):
    for path, content in files.items():
        full = os.path.join(root, *path.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as handle:
            handle.write(content)


class IgnoreVectorsTest(unittest.TestCase):
    def test_every_shared_vector(self):
        vectors = sorted(glob.glob(os.path.join(VECTORS, "*.json")))
        self.assertGreaterEqual(len(vectors), 8)
        for vector in vectors:
            with self.subTest(vector=os.path.basename(vector)):
                with open(vector, encoding="utf-8") as handle:
                    spec = json.load(handle)
                root = tempfile.mkdtemp(prefix="loom-ignore-")
                try:
                    write_files(root, spec["files"])
                    self.assertEqual(spec["expected"], [f[0] for f in _snapshot.walk(root)])
                finally:
                    shutil.rmtree(root, ignore_errors=True)


class SnapshotTest(loomtest.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.folder = tempfile.mkdtemp(prefix="loom-src-")
        self.cache = tempfile.mkdtemp(prefix="loom-cache-")
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.addCleanup(shutil.rmtree, self.cache, True)
        write_files(self.folder, {
            "train.py": "print('train')\n", "pkg/util.py": "x = %r\n" % os.urandom(8).hex(),
            "pkg/same.py": "same\n", "pkg/same2.py": "same\n", "debug.log": "left out",
            ".gitignore": "*.log\n", ".git/HEAD": "ref: refs/heads/main\n"})
        os.chmod(os.path.join(self.folder, "train.py"), 0o755)

    def test_create_then_recreate_uploads_nothing(self):
        first = _snapshot.create(self.folder, cache_dir=self.cache)
        self.assertEqual(5, first["files"])
        self.assertEqual(5, first["hashed_files"])
        self.assertGreaterEqual(first["uploaded_files"], 1)

        again = _snapshot.create(self.folder, cache_dir=self.cache)
        self.assertEqual(first["id"], again["id"])
        self.assertEqual((0, 0, 0), (again["uploaded_files"], again["uploaded_bytes"], again["hashed_files"]))

        manifest = _snapshot.get(first["id"])
        self.assertEqual([".gitignore", "pkg/same.py", "pkg/same2.py", "pkg/util.py", "train.py"],
                         [e["path"] for e in manifest["entries"]])
        modes = {e["path"]: e["mode"] for e in manifest["entries"]}
        self.assertEqual((0o755, 0o644), (modes["train.py"], modes["pkg/util.py"]))

        status, data = self.server.api("GET", self.server.ws_path() + "/snapshots/" + first["id"] + "/zip", raw=True)
        self.assertEqual(200, status)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                with open(os.path.join(self.folder, *name.split("/")), "rb") as handle:
                    self.assertEqual(handle.read(), archive.read(name))

    def test_same_id_as_the_csharp_canonical_form(self):
        import hashlib
        result = _snapshot.create(self.folder, cache_dir=self.cache)
        lines = "".join("%s\t%d\t%o\t%s\n" % (e["path"], e["size"], e["mode"], e["sha256"])
                        for e in _snapshot.get(result["id"])["entries"])
        self.assertEqual(hashlib.sha256(lines.encode("utf-8")).hexdigest(), result["id"])

    def test_client_limit_names_the_largest_files(self):
        write_files(self.folder, {"data/big.csv": "x" * 5000})
        with self.assertRaises(loom.PayloadTooLargeError) as caught:
            _snapshot.create(self.folder, cache_dir=self.cache, max_bytes=1000)
        self.assertEqual("snapshot_too_large", caught.exception.code)
        self.assertIn("data/big.csv (5000 bytes)", str(caught.exception))

    def test_unknown_snapshot_is_not_found(self):
        with self.assertRaises(loom.NotFoundError):
            _snapshot.get("0" * 64)


if __name__ == "__main__":
    unittest.main()
