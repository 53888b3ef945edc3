"""Files: upload_file (path and stream), upload_folder, then download through the REST API."""

import io
import os
import tempfile
import unittest
import uuid

import loomtest

import loom


class ArtifactsTest(loomtest.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.run = loom.start_run(experiment="pyfiles-" + uuid.uuid4().hex[:8])
        self.folder = tempfile.mkdtemp()

    def fetch(self, path):
        status, data = self.server.api("GET", self.server.run_path(self.run.id) + "/artifacts/" + path, raw=True)
        self.assertEqual(200, status, data)
        return data

    def test_upload_file_from_path_and_stream(self):
        path = os.path.join(self.folder, "model.bin")
        payload = os.urandom(3 * 1024 * 1024 + 17)
        with open(path, "wb") as handle:
            handle.write(payload)
        info = self.run.upload_file("outputs/model.bin", path)
        self.assertEqual("outputs/model.bin", info["path"])
        self.assertEqual(len(payload), info["size"])
        self.assertEqual(payload, self.fetch("outputs/model.bin"))

        self.run.upload_file("outputs/notes.txt", io.BytesIO(b"hello loom\n"))
        self.assertEqual(b"hello loom\n", self.fetch("outputs/notes.txt"))

        class OneWayStream:  # not seekable: the client must still be able to send (and retry) it
            def __init__(self, data):
                self._inner = io.BytesIO(data)

            def read(self, size=-1):
                return self._inner.read(size)

        self.run.upload_file("outputs/piped.txt", OneWayStream(b"x" * 100_000))
        self.assertEqual(b"x" * 100_000, self.fetch("outputs/piped.txt"))

        target = os.path.join(self.folder, "back", "model.bin")
        self.run.download_file("outputs/model.bin", target)
        with open(target, "rb") as handle:
            self.assertEqual(payload, handle.read())
        self.assertEqual(b"hello loom\n", self.run.read_file("outputs/notes.txt"))
        self.run.complete()

    def test_upload_folder(self):
        source = os.path.join(self.folder, "src")
        files = {"a.txt": b"A", "sub/b.txt": b"BB", "sub/deeper/c.json": b"{\"c\": 3}"}
        for rel, data in files.items():
            full = os.path.join(source, *rel.split("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as handle:
                handle.write(data)
        uploaded = self.run.upload_folder("outputs/src", source)
        self.assertEqual(sorted("outputs/src/" + rel for rel in files), sorted(uploaded))
        for rel, data in files.items():
            self.assertEqual(data, self.fetch("outputs/src/" + rel))
        listing = self.server.ok("GET", self.server.run_path(self.run.id) + "/artifacts?prefix=outputs/src/&recursive=true")
        listed = sorted(a["path"] for a in listing["value"] if a["type"] == "file")
        self.assertEqual(sorted("outputs/src/" + rel for rel in files), listed)
        self.assertEqual(listed, sorted(self.run.get_file_names("outputs/src/")))
        self.run.complete()

    def test_missing_artifact_is_not_found(self):
        with self.assertRaises(loom.NotFoundError) as caught:
            self.run.read_file("outputs/nothing-here.txt")
        self.assertEqual("artifact_not_found", caught.exception.code)
        with self.assertRaises(loom.BadRequestError) as caught:
            self.run.upload_file("outputs/../escape.txt", io.BytesIO(b"x"))
        self.assertEqual("invalid_path", caught.exception.code)
        self.run.complete()


if __name__ == "__main__":
    unittest.main()
