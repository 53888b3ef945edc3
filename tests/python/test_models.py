"""The model registry through loom.Client against a real server: register from local files and
from a run's artifacts, versions, tags, search, download, delete, lineage and bad input."""

import hashlib
import io
import os
import shutil
import stat
import tempfile
import unittest
import uuid
import zipfile

import loomtest

import loom
from loom import _snapshot


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def sha(data):
    return hashlib.sha256(data).hexdigest()


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


class ModelTestCase(loomtest.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.client = loom.Client()
        self.folder = tempfile.mkdtemp(prefix="loom-models-")
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.cache = os.path.join(self.folder, ".cache")
        os.environ["XDG_CACHE_HOME"] = self.cache  # the hash cache stays in the test's folder

    def name(self, prefix="m"):
        return "%s-%s" % (prefix, uuid.uuid4().hex[:10])

    def path(self, *parts):
        return os.path.join(self.folder, *parts)


class RegisterLocalTest(ModelTestCase):
    def test_a_local_file_is_stored_under_its_base_name(self):
        payload = os.urandom(200_000)
        source = write(self.path("outputs", "model.pkl"), payload)
        name = self.name()
        model = self.client.register_model(name, source, description="first", tags={"stage": "dev", "n": 1},
                                           properties={"acc": 0.9}, framework="ScikitLearn",
                                           framework_version="1.2")
        self.assertEqual((name, 1), (model["name"], model["version"]))
        self.assertEqual([{"path": "model.pkl", "size": len(payload), "mode": 0o644, "sha256": sha(payload)}],
                         model["files"])
        self.assertEqual(len(payload), model["bytes"])
        self.assertEqual({"stage": "dev", "n": "1"}, model["tags"])
        self.assertEqual({"acc": "0.9"}, model["properties"])
        self.assertEqual(("first", "ScikitLearn", "1.2"),
                         (model["description"], model["framework"], model["frameworkVersion"]))
        self.assertIsNone(model["runId"])
        self.assertTrue(model["createdTime"])

        stored = self.server.ok("GET", self.server.ws_path() + "/models/%s/versions/1" % name)
        self.assertEqual(model["manifestId"], stored["manifestId"])
        self.assertEqual(model, self.client.get_model(name))
        self.assertEqual(model, self.client.get_model(name, 1))
        self.assertEqual(payload, self.client.download_model_file(name, 1, "model.pkl"))

    def test_registering_the_same_files_again_uploads_nothing(self):
        payload = os.urandom(50_000)
        source = write(self.path("model.bin"), payload)
        name = self.name()
        first = self.client.register_model(name, source)
        missing = self.server.ok("POST", self.server.ws_path() + "/snapshots/missing", {"sha256": [sha(payload)]})
        self.assertEqual([], missing["missing"], "the blob is on the server after the first registration")
        uploads = []
        original = _snapshot.upload_blobs

        def counting(client, workspace, entries, files):
            result = original(client, workspace, entries, files)
            uploads.append(result)
            return result
        _snapshot.upload_blobs = counting
        self.addCleanup(setattr, _snapshot, "upload_blobs", original)
        second = self.client.register_model(name, source)
        self.assertEqual([(0, 0)], uploads, "nothing is uploaded the second time")
        self.assertEqual(2, second["version"])
        self.assertEqual(first["manifestId"], second["manifestId"])

    def test_a_retried_registration_is_one_version(self):
        name = self.name()
        source = write(self.path("model.bin"), b"once")
        key = str(uuid.uuid4())
        first = self.client.register_model(name, source, idempotency_key=key)
        again = self.client.register_model(name, source, idempotency_key=key)
        self.assertEqual((1, 1), (first["version"], again["version"]))
        self.assertEqual([1], [m["version"] for m in self.client.list_model_versions(name)])

    def test_a_local_folder_is_stored_under_its_name_with_modes(self):
        files = {"weights.bin": os.urandom(10_000), "config/params.json": b'{"k": 3}', "run.sh": b"#!/bin/sh\n"}
        for rel, data in files.items():
            write(self.path("outputs", "model", *rel.split("/")), data)
        os.chmod(self.path("outputs", "model", "run.sh"), 0o755)
        write(self.path("outputs", "model", ".gitignore"), b"*.bin\n")  # a model keeps every file
        name = self.name()
        model = self.client.register_model(name, self.path("outputs", "model"))
        by_path = {f["path"]: f for f in model["files"]}
        self.assertEqual({"model/weights.bin", "model/config/params.json", "model/run.sh", "model/.gitignore"},
                         set(by_path))
        self.assertEqual(0o755, by_path["model/run.sh"]["mode"])
        self.assertEqual(0o644, by_path["model/weights.bin"]["mode"])
        self.assertEqual(sha(files["weights.bin"]), by_path["model/weights.bin"]["sha256"])
        self.assertEqual(sum(len(d) for d in files.values()) + len(b"*.bin\n"), model["bytes"])

        some = self.client.register_model(name, self.path("outputs", "model"), child_paths=["config", "run.sh"])
        self.assertEqual(["model/config/params.json", "model/run.sh"], [f["path"] for f in some["files"]])
        self.assertEqual(2, some["version"])


class RegisterFromRunTest(ModelTestCase):
    def setUp(self):
        super().setUp()
        self.run = loom.start_run(experiment="pymodels-" + uuid.uuid4().hex[:8])
        self.addCleanup(self.run.complete)
        self.pkl = os.urandom(1000)
        self.run.upload_file("outputs/model.pkl", io.BytesIO(self.pkl))
        self.run.upload_file("outputs/model/a.bin", io.BytesIO(b"A"))
        self.run.upload_file("outputs/model/sub/b.bin", io.BytesIO(b"BB"))

    def test_a_run_file_and_a_run_folder(self):
        name = self.name()
        model = self.client.register_model(name, "outputs/model.pkl", run_id=self.run.id, tags={"from": "run"})
        self.assertEqual((self.run.id, "outputs/model.pkl"), (model["runId"], model["runPath"]))
        self.assertEqual([{"path": "model.pkl", "size": len(self.pkl), "mode": 0o644, "sha256": sha(self.pkl)}],
                         model["files"])
        folder = self.client.register_model(name, "./outputs/model/", run_id=self.run.id)
        self.assertEqual(2, folder["version"])
        self.assertEqual("outputs/model", folder["runPath"])
        self.assertEqual(["model/a.bin", "model/sub/b.bin"], [f["path"] for f in folder["files"]])

        # Lineage: the run shows the models registered from it, the model shows its run.
        lineage = self.client.get_run_models(self.run.id)
        self.assertEqual({(name, 1), (name, 2)}, {(m["name"], m["version"]) for m in lineage})
        self.assertEqual(self.run.id, self.client.get_model(name, 1)["runId"])

    def test_run_register_model(self):
        name = self.name()
        model = self.run.register_model(name, "outputs/model.pkl", tags={"k": "v"}, description="d",
                                        framework="Custom")
        self.assertEqual((name, 1, self.run.id), (model["name"], model["version"], model["runId"]))
        self.assertEqual(({"k": "v"}, "d"), (model["tags"], model["description"]))
        self.assertEqual(["model.pkl"], [f["path"] for f in model["files"]])

        # model_path defaults to the model name (v1): a run folder named like the model.
        self.run.upload_file("%s/x.txt" % name, io.BytesIO(b"x"))
        by_name = self.run.register_model(name)
        self.assertEqual(["%s/x.txt" % name], [f["path"] for f in by_name["files"]])

    def test_inside_the_run_a_local_output_not_uploaded_yet_is_uploaded_first(self):
        cwd = os.getcwd()
        self.addCleanup(os.chdir, cwd)
        os.chdir(self.folder)
        write(self.path("outputs", "fresh", "w.bin"), b"fresh weights")
        os.environ["LOOM_RUN_ID"] = self.run.id
        model = self.run.register_model(self.name(), "outputs/fresh")
        self.assertEqual(["fresh/w.bin"], [f["path"] for f in model["files"]])
        self.assertIn("outputs/fresh/w.bin", self.run.get_file_names("outputs"))

        del os.environ["LOOM_RUN_ID"]  # another process's run: nothing local is uploaded
        write(self.path("outputs", "other.pkl"), b"local only")
        with self.assertRaises(loom.NotFoundError) as caught:
            self.run.register_model(self.name(), "outputs/other.pkl")
        self.assertEqual("artifact_not_found", caught.exception.code)


class VersionsTagsSearchTest(ModelTestCase):
    def test_versions_count_up_and_latest_is_the_newest(self):
        name = self.name()
        for i in range(3):
            model = self.client.register_model(name, write(self.path("v%d" % i, "model.txt"), b"v%d" % i))
            self.assertEqual(i + 1, model["version"])
        self.assertEqual([1, 2, 3], sorted(m["version"] for m in self.client.list_model_versions(name)))
        self.assertEqual(3, self.client.get_model(name)["version"])
        self.assertEqual(3, self.client.get_model(name, "latest")["version"])
        self.assertEqual(b"v1", self.client.download_model_file(name, 2, "model.txt"))

    def test_tags_change_and_description(self):
        name = self.name()
        self.client.register_model(name, write(self.path("model.txt"), b"m"), tags={"stage": "dev", "team": "a"},
                                   description="before")
        updated = self.client.update_model(name, 1, tags={"stage": "prod", "new": 2}, remove_tags=["team"],
                                           description="after")
        self.assertEqual({"stage": "prod", "new": "2"}, updated["tags"])
        self.assertEqual("after", updated["description"])
        self.assertEqual(updated, self.client.get_model(name, 1))

    def test_list_and_search(self):
        prefix = self.name("search")
        iris, wine = prefix + "-iris", prefix + "-wine"
        self.client.register_model(iris, write(self.path("a"), b"1"), tags={"stage": "dev", "kind": "tree"})
        self.client.register_model(iris, write(self.path("b"), b"2"), tags={"stage": "prod", "kind": "tree"})
        self.client.register_model(wine, write(self.path("c"), b"3"), tags={"stage": "prod"})

        latest = {(m["name"], m["version"]) for m in self.client.list_models() if m["name"].startswith(prefix)}
        self.assertEqual({(iris, 2), (wine, 1)}, latest)
        every = {(m["name"], m["version"]) for m in self.client.list_models(all_versions=True)
                 if m["name"].startswith(prefix)}
        self.assertEqual({(iris, 1), (iris, 2), (wine, 1)}, every)
        self.assertEqual([(iris, 2)], [(m["name"], m["version"]) for m in self.client.list_models(name=iris)])
        self.assertEqual([1, 2], sorted(m["version"] for m in self.client.list_models(name=iris, all_versions=True)))

        def found(**query):
            return {(m["name"], m["version"]) for m in self.client.list_models(all_versions=True, **query)
                    if m["name"].startswith(prefix)}
        self.assertEqual({(iris, 2), (wine, 1)}, found(tags={"stage": "prod"}))
        self.assertEqual({(iris, 2)}, found(tags={"stage": "prod", "kind": "tree"}))
        self.assertEqual({(iris, 1), (iris, 2)}, found(tags=["kind"]))
        self.assertEqual({(iris, 1)}, found(tags=[["stage", "dev"]]))
        self.assertEqual(set(), found(tags={"stage": "none"}))

        paged = [m for m in self.client.list_models(all_versions=True, page_size=1) if m["name"].startswith(prefix)]
        self.assertEqual(3, len(paged), "continuation tokens are followed")


class DownloadTest(ModelTestCase):
    def test_download_a_one_file_model(self):
        name = self.name()
        payload = os.urandom(300_000)
        self.client.register_model(name, write(self.path("src", "model.onnx"), payload))
        target = self.path("down")
        path = self.client.download_model(name, target_dir=target)
        self.assertEqual(os.path.join(target, "model.onnx"), path)
        self.assertEqual(payload, read(path))
        with self.assertRaises(FileExistsError):
            self.client.download_model(name, 1, target)
        write(path, b"changed")
        self.assertEqual(path, self.client.download_model(name, 1, target, exist_ok=True))
        self.assertEqual(payload, read(path))

    def test_download_a_folder_model_and_its_zip(self):
        name = self.name()
        files = {"a.txt": b"A", "deep/er/b.bin": os.urandom(5000), "run.sh": b"#!/bin/sh\necho\n"}
        for rel, data in files.items():
            write(self.path("src", "model", *rel.split("/")), data)
        os.chmod(self.path("src", "model", "run.sh"), 0o755)
        self.client.register_model(name, self.path("src", "model"))
        target = self.path("down")
        path = self.client.download_model(name, 1, target)
        self.assertEqual(os.path.join(target, "model"), path)
        for rel, data in files.items():
            self.assertEqual(data, read(os.path.join(path, *rel.split("/"))))
        self.assertEqual(0, len([n for n in os.listdir(path) if n.startswith(".loom-")]), "no temporary files left")

        archive = self.client.download_model_zip(name, 1, self.path("model.zip"))
        with zipfile.ZipFile(archive) as zipped:
            self.assertEqual({"model/" + rel for rel in files}, set(zipped.namelist()))
            self.assertEqual(files["deep/er/b.bin"], zipped.read("model/deep/er/b.bin"))
            mode = zipped.getinfo("model/run.sh").external_attr >> 16
            self.assertTrue(mode & stat.S_IXUSR, "the zip keeps the executable bit")


class DeleteAndErrorsTest(ModelTestCase):
    def test_delete_a_version(self):
        name = self.name()
        for i in range(2):
            self.client.register_model(name, write(self.path("m%d" % i), b"%d" % i))
        self.client.delete_model(name, 1)
        with self.assertRaises(loom.NotFoundError) as caught:
            self.client.get_model(name, 1)
        self.assertEqual("model_not_found", caught.exception.code)
        self.assertEqual([2], [m["version"] for m in self.client.list_model_versions(name)])
        self.assertEqual(3, self.client.register_model(name, self.path("m0"))["version"],
                         "versions are never reused")

    def test_bad_inputs(self):
        name = self.name()
        with self.assertRaises(FileNotFoundError):
            self.client.register_model(name, self.path("no-such-file.pkl"))
        with self.assertRaises(loom.NotFoundError) as caught:
            self.client.get_model(name)
        self.assertEqual("model_not_found", caught.exception.code)
        with self.assertRaises(loom.NotFoundError) as caught:
            self.client.register_model(name, "outputs/model.pkl", run_id="no_such_run_123")
        self.assertEqual("run_not_found", caught.exception.code)
        run = loom.start_run(experiment="pymodels-" + uuid.uuid4().hex[:8])
        self.addCleanup(run.complete)
        with self.assertRaises(loom.NotFoundError) as caught:
            self.client.register_model(name, "outputs/none.pkl", run_id=run.id)
        self.assertEqual("artifact_not_found", caught.exception.code)
        with self.assertRaises(loom.BadRequestError):
            self.client.register_model("bad name!", write(self.path("x"), b"x"))
        with self.assertRaises(ValueError):
            self.client.register_model(name, None, run_id=run.id)
        os.makedirs(self.path("empty"))
        with self.assertRaises(ValueError):
            self.client.register_model(name, self.path("empty"))
        with self.assertRaises(loom.NotFoundError):
            self.client.download_model(name, 1, self.path("down"))
        with self.assertRaises(loom.NotFoundError):
            self.client.delete_model(name, 1)
        self.assertEqual([], self.client.list_models(name=name), "nothing was registered")


if __name__ == "__main__":
    unittest.main()
