"""azureml.core.Model against a real server: Azure ML v1 notebook and scoring-script code run
unchanged (register, get, list, download, tags, delete, run.register_model, get_model_path)."""

import contextlib
import datetime
import io
import json
import os
import shutil
import tempfile
import unittest
import uuid

import loomtest

from azureml.core import Experiment, Model, Run, Workspace
from azureml.core.model import Model as ModelFromModule
from azureml.exceptions import (ModelNotFoundException, ModelPathNotFoundException, UserErrorException,
                                WebserviceException)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


NOTEBOOK = r"""
import json, sys
from azureml.core import Workspace
from azureml.core.model import Model

ws = Workspace.from_config()
model = Model.register(model_path="sklearn_regression_model.pkl",
                       model_name=sys.argv[1],
                       tags={'area': "diabetes", 'type': "regression"},
                       description="Ridge regression model to predict diabetes",
                       workspace=ws)
print('Name:', model.name)
print('Version:', model.version)
model = Model.register(workspace=ws,
                       model_name=sys.argv[1],
                       model_path='./sklearn_regression_model.pkl',
                       model_framework=Model.Framework.SCIKITLEARN,
                       model_framework_version='1.0.2',
                       description='Ridge regression model to predict diabetes progression.',
                       tags={'area': 'diabetes', 'type': 'regression'})
print(model.name, model.id, model.version, sep='\t')

model = Model(ws, sys.argv[1])
latest = Model(ws, name=sys.argv[1], version=1)
path = model.download(target_dir="downloaded", exist_ok=True)
for m in Model.list(ws, name=sys.argv[1]):
    print("listed", m.name, m.version, m.tags)
model.add_tags({'stage': 'candidate'})
model.remove_tags(['type'])
print(json.dumps({"id": model.id, "version": model.version, "framework": model.model_framework,
                  "framework_version": model.model_framework_version, "path": path,
                  "first": latest.id, "tags": Model(ws, sys.argv[1]).tags,
                  "description": model.description}))
"""

SCORE = r"""
import json, os, sys
from azureml.core.model import Model

def init():
    global model_path, direct
    model_path = Model.get_model_path(sys.argv[1])
    direct = os.path.join(os.getenv('AZUREML_MODEL_DIR'), sys.argv[2])

def run(raw_data):
    with open(model_path, 'rb') as handle:
        weights = handle.read().decode()
    with open(direct, 'rb') as handle:
        same = handle.read().decode() == weights
    return json.dumps({"path": model_path, "weights": weights, "same": same, "data": json.loads(raw_data)})

init()
print(run(json.dumps({"data": [[1, 2]]})))
"""


class ModelShimTestCase(loomtest.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.folder = os.path.realpath(tempfile.mkdtemp(prefix="loom-azmodels-"))
        self.addCleanup(shutil.rmtree, self.folder, True)
        os.environ["XDG_CACHE_HOME"] = os.path.join(self.folder, ".cache")
        self.printed = io.StringIO()  # v1 prints progress lines ("Registering model ...")
        printing = contextlib.redirect_stdout(self.printed)
        printing.__enter__()
        self.addCleanup(printing.__exit__, None, None, None)
        self.ws = Workspace.get("default")
        cwd = os.getcwd()
        self.addCleanup(os.chdir, cwd)
        os.chdir(self.folder)

    def name(self, prefix="az"):
        return "%s-%s" % (prefix, uuid.uuid4().hex[:10])

    def path(self, *parts):
        return os.path.join(self.folder, *parts)


class NotebookTest(ModelShimTestCase):
    def test_v1_notebook_code_unchanged(self):
        name = self.name("sklearn")
        write(self.path("sklearn_regression_model.pkl"), b"ridge-weights")
        with open(self.path("config.json"), "w") as handle:
            json.dump({"subscription_id": "s", "resource_group": "r", "workspace_name": "default",
                       "loom_url": self.server.url, "token": self.server.token}, handle)
        env = self.server.env()
        for key in ("LOOM_TRACKING_URI", "LOOM_TOKEN", "LOOM_WORKSPACE"):
            del env[key]
        env["XDG_CACHE_HOME"] = os.environ["XDG_CACHE_HOME"]
        result = loomtest.run_script(NOTEBOOK, env, cwd=self.folder, args=[name])
        self.assertEqual(0, result.returncode, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(["Registering model %s" % name, "Name: %s" % name, "Version: 1",
                          "Registering model %s" % name, "%s\t%s:2\t2" % (name, name)], lines[:5])
        self.assertIn("listed %s 2 {'area': 'diabetes', 'type': 'regression'}" % name, lines)
        self.assertIn("listed %s 1 {'area': 'diabetes', 'type': 'regression'}" % name, lines)
        self.assertIn("Model tag add operation complete.", lines)
        out = json.loads(lines[-1])
        self.assertEqual({"id": "%s:2" % name, "version": 2, "framework": "ScikitLearn", "framework_version": "1.0.2",
                          "path": os.path.join("downloaded", "sklearn_regression_model.pkl"), "first": "%s:1" % name,
                          "tags": {"area": "diabetes", "stage": "candidate"},
                          "description": "Ridge regression model to predict diabetes progression."}, out)
        self.assertEqual(b"ridge-weights", read(self.path("downloaded", "sklearn_regression_model.pkl")))


class RegisterGetTest(ModelShimTestCase):
    def test_register_a_file_and_read_its_attributes(self):
        name = self.name()
        source = write(self.path("outputs", "model.pkl"), b"weights")
        model = Model.register(self.ws, model_path="outputs/model.pkl", model_name=name, tags={"n": 1},
                               properties={"acc": "0.9"}, description="d", model_framework=Model.Framework.ONNX,
                               model_framework_version="1.14")
        self.assertIs(Model, ModelFromModule)
        self.assertEqual((name, 1, "%s:1" % name), (model.name, model.version, model.id))
        self.assertEqual(({"n": "1"}, {"acc": "0.9"}, "d"), (model.tags, model.properties, model.description))
        self.assertEqual(("Onnx", "1.14"), (model.framework, model.framework_version))
        self.assertEqual(("Onnx", "1.14"), (model.model_framework, model.model_framework_version))
        self.assertIsNone(model.run_id)
        self.assertIsNone(model.run)
        self.assertIsInstance(model.created_time, datetime.datetime)
        self.assertLess(abs((datetime.datetime.now(datetime.timezone.utc) - model.created_time).total_seconds()), 300)
        self.assertEqual(self.ws, model.workspace)
        self.assertEqual("model.pkl", os.path.basename(model.download(self.path("d"))))
        self.assertEqual(b"weights", read(source))

        again = Model.register(self.ws, source, name)
        self.assertEqual(("Custom", 2), (again.framework, again.version), "v1's default framework is Custom")
        self.assertEqual(again.id, Model(self.ws, name).id, "no version: the latest")
        self.assertEqual(model.id, Model(self.ws, name, version=1).id)
        self.assertEqual(model.id, Model(self.ws, id="%s:1" % name).id)
        self.assertEqual(model.id, Model(self.ws, name, tags=[["n", "1"]]).id, "the newest version with the tag")
        self.assertEqual(again.id, Model(self.ws, name, model_framework="Custom").id)
        self.assertEqual(model.id, Model.deserialize(self.ws, model.serialize()).id)

    def test_register_a_folder_and_child_paths(self):
        name = self.name()
        for rel in ("model/weights.bin", "model/vocab/words.txt", "model/notes.md"):
            write(self.path(*rel.split("/")), rel.encode())
        model = Model.register(self.ws, "model", name)
        target = self.path("down")
        path = model.download(target_dir=target)
        self.assertEqual(os.path.join(target, "model"), path)
        self.assertEqual(b"model/vocab/words.txt", read(os.path.join(path, "vocab", "words.txt")))

        subset = Model.register(self.ws, "model", name, child_paths=["weights.bin"])
        self.assertEqual(os.path.join(self.path("sub"), "model", "weights.bin"), subset.download(self.path("sub")),
                         "one file: download answers the file")

    def test_not_found_and_bad_input_raise_v1_exceptions(self):
        name = self.name()
        with self.assertRaises(WebserviceException) as caught:
            Model(self.ws, name)
        self.assertIn("ModelNotFound", caught.exception.message)
        with self.assertRaises(WebserviceException):
            Model(self.ws, id="%s:3" % name)
        with self.assertRaises(WebserviceException):
            Model(self.ws)
        with self.assertRaises(WebserviceException) as caught:
            Model.register(self.ws, "no/such/model.pkl", name)
        self.assertIn("cannot be found", str(caught.exception))
        write(self.path("m.pkl"), b"m")
        with self.assertRaises(WebserviceException):
            Model.register(self.ws, "m.pkl", name, model_framework_version="1.0")
        with self.assertRaises(WebserviceException):
            Model.register(self.ws, "m.pkl", name, tags=["not", "a", "dict"])
        with self.assertRaises(WebserviceException) as caught:
            Model.register(self.ws, "m.pkl", "bad name!")
        self.assertEqual(400, caught.exception.status_code)
        with self.assertRaises(UserErrorException):
            Model.list(self.ws, tags="area")
        self.assertEqual([], Model.list(self.ws, name=name))


class ListTagsDeleteTest(ModelShimTestCase):
    def test_list_filters(self):
        prefix = self.name("list")
        a, b = prefix + "-a", prefix + "-b"
        write(self.path("f1"), b"1")
        write(self.path("f2"), b"2")
        Model.register(self.ws, "f1", a, tags={"stage": "dev"}, properties={"p": "1"})
        Model.register(self.ws, "f2", a, tags={"stage": "prod", "team": "x"}, model_framework="ScikitLearn")
        Model.register(self.ws, "f1", b, tags={"stage": "prod"})

        def ids(models):
            return sorted(m.id for m in models if m.name.startswith(prefix))
        self.assertEqual(["%s:1" % a, "%s:2" % a, "%s:1" % b], ids(Model.list(self.ws)))
        self.assertEqual(["%s:2" % a, "%s:1" % b], ids(Model.list(self.ws, latest=True)))
        self.assertEqual(["%s:1" % a, "%s:2" % a], ids(Model.list(self.ws, name=a)))
        self.assertEqual(["%s:2" % a, "%s:1" % b], ids(Model.list(self.ws, tags=[["stage", "prod"]])))
        self.assertEqual(["%s:2" % a], ids(Model.list(self.ws, tags=["team", ["stage", "prod"]])))
        self.assertEqual(["%s:1" % a], ids(Model.list(self.ws, properties=["p"])))
        self.assertEqual(["%s:2" % a], ids(Model.list(self.ws, model_framework="ScikitLearn")))
        models = self.ws.models
        self.assertEqual((2, 1), (models[a].version, models[b].version))

    def test_tags_update_and_delete(self):
        name = self.name()
        write(self.path("m.pkl"), b"m")
        model = Model.register(self.ws, "m.pkl", name, tags={"stage": "dev", "team": "a"})
        model.add_tags({"stage": "prod", "owner": "me"})
        self.assertEqual(["Registering model %s" % name, "Model tag add operation complete."],
                         self.printed.getvalue().splitlines())
        self.assertEqual({"stage": "prod", "team": "a", "owner": "me"}, model.tags)
        model.remove_tags(["team"])
        self.assertEqual({"stage": "prod", "owner": "me"}, Model(self.ws, name).tags)
        model.update(tags={"only": "this"}, description="new")
        fresh = Model(self.ws, name, version=1)
        self.assertEqual(({"only": "this"}, "new"), (fresh.tags, fresh.description))
        with self.assertRaises(WebserviceException):
            model.add_properties({"added": "later"})

        second = Model.register(self.ws, "m.pkl", name)
        model.delete()
        with self.assertRaises(WebserviceException):
            Model(self.ws, name, version=1)
        self.assertEqual(second.id, Model(self.ws, name).id)


class RunRegisterTest(ModelShimTestCase):
    def test_register_from_a_run_and_lineage(self):
        experiment = Experiment(self.ws, "pyazmodels-" + uuid.uuid4().hex[:8])
        run = experiment.start_logging()
        self.addCleanup(run.complete)
        run.upload_file("outputs/model.pkl", write(self.path("local.pkl"), b"trained"))
        write(self.path("folder", "vocab.txt"), b"V")
        run.upload_folder("outputs/model", os.path.dirname(write(self.path("folder", "w.bin"), b"W")))
        name = self.name()
        model = run.register_model(model_name=name, model_path="outputs/model.pkl", tags={"from": "run"})
        self.assertIsInstance(model, Model)
        self.assertEqual((name, 1, run.id), (model.name, model.version, model.run_id))
        self.assertEqual(run.id, model.run.id)
        self.assertEqual(experiment.name, Model(self.ws, name).experiment_name)
        self.assertEqual(os.path.join(self.path("d"), "model.pkl"), model.download(self.path("d")))
        self.assertEqual(b"trained", read(self.path("d", "model.pkl")))

        folder = run.register_model(name, "outputs/model")
        self.assertEqual(os.path.join(self.path("e"), "model"), folder.download(self.path("e")))
        self.assertEqual(b"W", read(self.path("e", "model", "w.bin")))
        self.assertEqual([model.id, folder.id], sorted(m.id for m in Model.list(self.ws, run_id=run.id)))
        self.assertEqual(run.id, Run.get(self.ws, run.id).id)

        with self.assertRaises(ModelPathNotFoundException) as caught:
            run.register_model(name, "outputs/missing.pkl")
        self.assertIn("outputs/model.pkl", str(caught.exception), "the message lists the run's files")


TRAIN = r"""
import json, os
from azureml.core import Run, Model

run = Run.get_context()
os.makedirs('outputs', exist_ok=True)
with open('outputs/model.pkl', 'wb') as handle:
    handle.write(b'trained in the run')
run.log('accuracy', 0.9)
model = run.register_model(model_name=os.environ['MODEL_NAME'], model_path='outputs/model.pkl',
                           tags={'accuracy': 0.9})
registered = Model.register(workspace=run.experiment.workspace, model_path='outputs/model.pkl',
                            model_name=os.environ['MODEL_NAME'])
print(json.dumps({"id": model.id, "run_id": model.run_id, "tags": model.tags, "second": registered.id,
                  "second_run": registered.run_id}))
"""


class TrainingScriptTest(ModelShimTestCase):
    def test_v1_training_script_registers_its_output(self):
        experiment = "pyaztrain-" + uuid.uuid4().hex[:8]
        created = self.server.ok("POST", self.server.ws_path() + "/runs", {"experiment": experiment})
        name = self.name()
        env = self.server.env(AZUREML_RUN_ID=created["id"], AZUREML_RUN_TOKEN=self.server.token,
                              AZUREML_EXPERIMENT_NAME=experiment, AZUREML_ARM_WORKSPACE_NAME="default",
                              MODEL_NAME=name, XDG_CACHE_HOME=os.environ["XDG_CACHE_HOME"])
        for key in ("LOOM_TOKEN", "LOOM_WORKSPACE"):
            del env[key]
        result = loomtest.run_script(TRAIN, env, cwd=self.folder)
        self.assertEqual(0, result.returncode, result.stderr)
        out = json.loads(result.stdout.splitlines()[-1])
        self.assertEqual(({"accuracy": "0.9"}, "%s:1" % name, created["id"]), (out["tags"], out["id"], out["run_id"]))
        self.assertEqual(("%s:2" % name, None), (out["second"], out["second_run"]))
        stored = self.server.ok("GET", self.server.run_path(created["id"]) + "/artifacts/outputs/model.pkl", raw=True)
        self.assertEqual(b"trained in the run", stored, "the output was uploaded to register it")
        self.assertEqual(b"trained in the run", read(Model(self.ws, name, version=1).download(self.path("d"))))


class GetModelPathTest(ModelShimTestCase):
    """Model.get_model_path inside a deployment: AZUREML_MODEL_DIR laid out as Azure ML v1 does,
    with the files of registered models (downloaded from the server)."""

    def setUp(self):
        super().setUp()
        self.iris = self.name("iris")
        self.text = self.name("text")
        write(self.path("src", "model.pkl"), b"iris-1")
        Model.register(self.ws, self.path("src", "model.pkl"), self.iris)
        write(self.path("src", "model.pkl"), b"iris-2")
        Model.register(self.ws, self.path("src", "model.pkl"), self.iris)
        write(self.path("src", "tok", "vocab.txt"), b"words")
        Model.register(self.ws, self.path("src", "tok"), self.text)

    def test_one_model(self):
        model_dir = self.path("deploy", "azureml-models", self.iris, "2")
        Model(self.ws, self.iris, version=2).download(model_dir)
        os.environ["AZUREML_MODEL_DIR"] = model_dir
        self.assertEqual(os.path.join(model_dir, "model.pkl"), Model.get_model_path(self.iris))
        self.assertEqual(os.path.join(model_dir, "model.pkl"), Model.get_model_path(self.iris, version=2))

        env = self.server.env(AZUREML_MODEL_DIR=model_dir)
        result = loomtest.run_script(SCORE, env, cwd=self.path("deploy"), args=[self.iris, "model.pkl"])
        self.assertEqual(0, result.returncode, result.stderr)
        out = json.loads(result.stdout)
        self.assertEqual(("iris-2", True, {"data": [[1, 2]]}), (out["weights"], out["same"], out["data"]))

        folder_dir = self.path("deploy2")
        Model(self.ws, self.text).download(folder_dir)
        del os.environ["AZUREML_MODEL_DIR"]
        os.environ["LOOM_MODEL_DIR"] = folder_dir
        self.assertEqual(os.path.join(folder_dir, "tok"), Model.get_model_path(self.text))

    def test_several_models(self):
        root = self.path("deploy", "azureml-models")
        for name, version in ((self.iris, 1), (self.iris, 2), (self.text, 1)):
            Model(self.ws, name, version=version).download(os.path.join(root, name, str(version)))
        os.environ["AZUREML_MODEL_DIR"] = root
        self.assertEqual(os.path.join(root, self.iris, "2", "model.pkl"), Model.get_model_path(self.iris))
        self.assertEqual(os.path.join(root, self.iris, "1", "model.pkl"), Model.get_model_path(self.iris, 1))
        self.assertEqual(os.path.join(root, self.text, "1", "tok"), Model.get_model_path(self.text))
        with self.assertRaises(ModelNotFoundException):
            Model.get_model_path(self.iris, version=3)
        with self.assertRaises(ModelNotFoundException):
            Model.get_model_path("not-deployed")

        env = self.server.env(AZUREML_MODEL_DIR=root)
        script = SCORE.replace("sys.argv[2])", "sys.argv[1], '1', 'model.pkl')")
        result = loomtest.run_script(script, env, cwd=self.folder, args=[self.iris])
        self.assertEqual(0, result.returncode, result.stderr)
        out = json.loads(result.stdout)
        self.assertEqual(("iris-2", False), (out["weights"], out["same"]), "latest by path, version 1 by hand")

    def test_outside_a_deployment(self):
        with self.assertRaises(WebserviceException):
            Model.get_model_path(self.iris, version="2")
        with self.assertRaises(ModelNotFoundException) as caught:
            Model.get_model_path(self.iris)
        self.assertIn("AZUREML_MODEL_DIR", str(caught.exception))
        # With a workspace, v1 downloads into ./azureml-models/<name>/<version>/ and answers that.
        path = Model.get_model_path(self.iris, _workspace=self.ws)
        self.assertEqual(os.path.join("azureml-models", self.iris, "2", "model.pkl"), path)
        self.assertEqual(b"iris-2", read(path))
        self.assertEqual(os.path.join("azureml-models", self.iris, "2", "model.pkl"),
                         Model.get_model_path(self.iris, version=2), "then the cache answers")
        with self.assertRaises(ModelNotFoundException):
            Model.get_model_path(self.name("none"), _workspace=self.ws)


if __name__ == "__main__":
    unittest.main()
