"""azureml.core.webservice and loom.Client's endpoints against a real server: Azure ML v1 deployment code
runs unchanged (register → Model.deploy → wait_for_deployment → run → update → delete), with the iris
samples' scoring scripts (score_plain.py in the system environment, score.py with scikit-learn)."""

import contextlib
import importlib.util
import io
import json
import os
import pickle
import shutil
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request
import uuid

import loomtest

import loom
from azureml.core import Environment, Model, Webservice, Workspace
from azureml.core.conda_dependencies import CondaDependencies
from azureml.core.model import InferenceConfig
from azureml.core.webservice import AciWebservice, AksWebservice, LocalWebservice
from azureml.core.webservice import aci as aci_module, local as local_module
from azureml.exceptions import WebserviceException

IRIS = os.path.join(loomtest.REPO, "samples", "iris")
ROWS = [[5.1, 3.5, 1.4, 0.2], [5.9, 3.0, 4.2, 1.5], [6.7, 3.0, 5.2, 2.3], [6.3, 2.5, 4.9, 1.5], [4.9, 3.1, 1.5, 0.1]]
DEPLOY_TIMEOUT = 180

_trained = {}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def load_module(path, name=None):
    spec = importlib.util.spec_from_file_location(name or unique("m").replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def train(script, output):
    """Run an iris training script offline (no server) in a copy of the sample folder; returns the
    path of what it wrote (outputs/<output>), kept for the whole test run."""
    if script not in _trained:
        folder = tempfile.mkdtemp(prefix="loom-iris-")
        shutil.copytree(IRIS, os.path.join(folder, "iris"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOM_", "AZUREML_"))}
        env.update(PYTHONPATH=loomtest.CLIENT_DIR, PYTHONUNBUFFERED="1")
        done = subprocess.run([loomtest.PYTHON, script], cwd=os.path.join(folder, "iris"), env=env, timeout=300,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            raise AssertionError("%s failed:\n%s" % (script, done.stdout))
        _trained[script] = os.path.join(folder, "iris", "outputs", output)
    return _trained[script]


def plain_predictions(model_file, rows):
    """What score_plain.py answers for rows, computed here with the script's own code."""
    scorer = load_module(os.path.join(IRIS, "score_plain.py"))
    with open(model_file, encoding="utf-8") as handle:
        scorer.model = json.load(handle)
    return scorer.run(json.dumps({"data": rows}))


def write(folder, name, text):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
        handle.write(text)
    return os.path.join(folder, name)


def post(url, body, key=None):
    """A scoring call with urllib (independent of the client): ``(status, decoded body)``."""
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = "Bearer " + key
    request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            status, payload = resp.status, resp.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    try:
        return status, json.loads(payload.decode("utf-8"))
    except ValueError:
        return status, payload


class WebserviceTestCase(loomtest.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ws = Workspace.get("default")
        self.client = loom.Client()
        self.temp = tempfile.mkdtemp(prefix="loom-ws-test-")
        self.addCleanup(shutil.rmtree, self.temp, True)

    def register(self, path, name):
        with contextlib.redirect_stdout(io.StringIO()):      # v1 prints "Registering model ..."
            return Model.register(self.ws, model_path=path, model_name=name)

    def register_plain(self, name=None):
        return self.register(train("train_plain.py", "model.json"), name or unique("iris-plain"))

    def cleanup_service(self, name):
        def delete():
            with contextlib.suppress(loom.LoomError):
                self.client.delete_endpoint(name)
        self.addCleanup(delete)

    def deploy(self, name, models, script, source_directory, config=None, environment="system", **kwargs):
        inference_config = InferenceConfig(entry_script=script, source_directory=source_directory,
                                           environment=Environment.get(self.ws, environment))
        self.cleanup_service(name)
        with contextlib.redirect_stdout(io.StringIO()):
            return Model.deploy(self.ws, name, models, inference_config, config, **kwargs)

    def wait(self, service, show_output=False):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            service.wait_for_deployment(show_output=show_output, timeout_sec=DEPLOY_TIMEOUT)
        return out.getvalue()


class V1FlowTest(WebserviceTestCase):
    def test_register_deploy_wait_run_update_delete(self):
        model = self.register_plain()
        name = unique("iris")
        config = AciWebservice.deploy_configuration(cpu_cores=1, memory_gb=1, auth_enabled=True,
                                                    tags={"data": "iris"}, description="Predict iris species")
        service = self.deploy(name, [model], "score_plain.py", IRIS, config)
        self.assertIsInstance(service, AciWebservice)
        self.assertIn(service.state, ("Transitioning", "Healthy"))
        self.assertEqual("default", service.deployment_name)

        out = self.wait(service, show_output=True)
        self.assertIn('ACI service creation operation finished, operation "Succeeded"', out)
        self.assertEqual("Healthy", service.state)
        self.assertIsNone(service.error)
        self.assertTrue(service.scoring_uri.endswith("/endpoints/default/%s/score" % name), service.scoring_uri)
        self.assertTrue(service.swagger_uri.endswith("/endpoints/default/%s/swagger.json" % name))
        self.assertTrue(service.auth_enabled)
        self.assertEqual("ACI", service.compute_type)
        self.assertEqual({"data": "iris"}, service.tags)
        self.assertEqual("Predict iris species", service.description)
        self.assertEqual([model.id], [m.id for m in service.models])
        self.assertEqual("score_plain.py", service.entry_script)

        # service.run as v1 notebooks call it: a JSON string in, the decoded answer out.
        expected = plain_predictions(train("train_plain.py", "model.json"), ROWS)
        self.assertEqual(expected, service.run(json.dumps({"data": ROWS})))
        self.assertEqual(expected, service.run(input_data=json.dumps({"data": ROWS}).encode("utf-8")))

        # Keys, as any HTTP client sends them.
        primary, secondary = service.get_keys()
        self.assertNotEqual(primary, secondary)
        self.assertEqual((200, expected[:1]), post(service.scoring_uri, json.dumps({"data": ROWS[:1]}), primary))
        self.assertEqual((200, expected[:1]), post(service.scoring_uri, json.dumps({"data": ROWS[:1]}), secondary))
        self.assertEqual(401, post(service.scoring_uri, json.dumps({"data": ROWS[:1]}), "wrong-" + primary)[0])
        self.assertEqual(401, post(service.scoring_uri, json.dumps({"data": ROWS[:1]}))[0])
        service.regen_key("Primary")
        new_primary, same_secondary = service.get_keys()
        self.assertNotEqual(primary, new_primary)
        self.assertEqual(secondary, same_secondary)
        self.assertEqual(401, post(service.scoring_uri, json.dumps({"data": ROWS[:1]}), primary)[0])
        with self.assertRaises(WebserviceException):
            service.regen_key("Tertiary")

        # Another handle on the same service; the log holds the script's init output.
        again = Webservice(self.ws, name)
        self.assertIsInstance(again, AciWebservice)
        self.assertEqual((service.scoring_uri, "Healthy", {"data": "iris"}),
                         (again.scoring_uri, again.state, again.tags))
        self.assertIn(name, [s.name for s in Webservice.list(self.ws, model_name=model.name)])
        self.assertIn(name, [s.name for s in Webservice.list(self.ws, compute_type="ACI", tags=[["data", "iris"]])])
        self.assertNotIn(name, [s.name for s in Webservice.list(self.ws, compute_type="AKS")])
        self.assertIn("loaded the softmax regression", service.get_logs())

        # A deployed model version cannot be deleted.
        with self.assertRaises(WebserviceException) as refused:
            model.delete()
        self.assertEqual(409, refused.exception.status_code)
        self.assertIn("%s/default" % name, str(refused.exception))

        # update: a new model version, a new generation; the service keeps its URI and keys.
        folder = os.path.join(self.temp, "always-virginica")
        with open(train("train_plain.py", "model.json"), encoding="utf-8") as handle:
            weights = json.load(handle)
        weights["weights"] = [[0.0] * 4 for _ in weights["weights"]]
        weights["bias"] = [0.0, 0.0, 1.0]
        model2 = self.register(write(folder, "model.json", json.dumps(weights)), model.name)
        self.assertEqual(2, model2.version)
        service.update(models=[model2])
        self.assertIn(service.state, ("Transitioning", "Healthy"))
        self.wait(service)
        self.assertEqual("Healthy", service.state)
        self.assertEqual([2] * len(ROWS), service.run(json.dumps({"data": ROWS})))
        self.assertEqual([model2.id], [m.id for m in Webservice(self.ws, name).models])
        self.assertEqual(new_primary, service.get_keys()[0])

        # delete: the endpoint is gone, and so is the hold on the model.
        service.delete()
        with self.assertRaises(WebserviceException) as gone:
            Webservice(self.ws, name)
        self.assertIn("WebserviceNotFound", str(gone.exception))
        model2.delete()

    def test_deploy_sample_notebook(self):
        """samples/iris/deploy_v1.py, unchanged, in a process of its own (score_plain.py, system)."""
        model = self.register_plain()
        name = unique("iris-nb")
        self.cleanup_service(name)
        done = subprocess.run(
            [loomtest.PYTHON, os.path.join(IRIS, "deploy_v1.py"), "--model", model.name, "--service", name,
             "--script", "score_plain.py", "--environment", "system"],
            cwd=self.temp, env=self.server.env(), timeout=DEPLOY_TIMEOUT + 60,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertEqual(0, done.returncode, done.stdout)
        with open(os.path.join(IRIS, "sample-request.json"), encoding="utf-8") as handle:
            expected = plain_predictions(train("train_plain.py", "model.json"), json.load(handle)["data"])
        self.assertIn("Predictions: %s" % expected, done.stdout)
        self.assertIn('ACI service creation operation finished, operation "Succeeded"', done.stdout)
        self.assertIn("State: Healthy", done.stdout)

    def test_deploy_existing_name_needs_overwrite(self):
        model = self.register_plain()
        name = unique("iris-ow")
        config = AciWebservice.deploy_configuration(auth_enabled=True)
        service = self.deploy(name, [model], "score_plain.py", IRIS, config)
        self.wait(service)
        keys = service.get_keys()
        with self.assertRaises(WebserviceException) as exists:
            self.deploy(name, [model], "score_plain.py", IRIS, config)
        self.assertIn("already a service with name %s" % name, str(exists.exception))
        replaced = self.deploy(name, [model], "score_plain.py", IRIS,
                               AciWebservice.deploy_configuration(auth_enabled=True, tags={"v": "2"}), overwrite=True)
        self.wait(replaced)
        self.assertEqual(("Healthy", {"v": "2"}, keys, service.scoring_uri),
                         (replaced.state, replaced.tags, replaced.get_keys(), replaced.scoring_uri))
        self.assertEqual(["default"], [d["name"] for d in self.client.list_deployments(name)])
        self.assertEqual(plain_predictions(train("train_plain.py", "model.json"), ROWS[:2]),
                         replaced.run(json.dumps({"data": ROWS[:2]})))


class DeployOptionsTest(WebserviceTestCase):
    def test_aks_configuration_sizes_the_deployment(self):
        model = self.register_plain()
        name = unique("iris-aks")
        config = AksWebservice.deploy_configuration(autoscale_min_replicas=1, autoscale_max_replicas=2,
                                                    scoring_timeout_ms=5000, cpu_cores=2, memory_gb=4)
        service = self.deploy(name, [model], "score_plain.py", IRIS, config)
        self.assertIsInstance(service, AksWebservice)
        self.wait(service)
        deployment = self.client.get_deployment(name, "default")
        self.assertEqual((1, 2, 5000), (deployment["minReplicas"], deployment["maxReplicas"],
                                        deployment["requestTimeoutMs"]))
        tags = self.client.get_endpoint(name)["tags"]
        self.assertEqual(("AKS", "2", "4"), (tags["azureml.computeType"], tags["azureml.cpuCores"],
                                             tags["azureml.memoryGb"]))
        self.assertEqual(({}, "key"), (service.tags, self.client.get_endpoint(name)["authMode"]))
        self.assertEqual(3, len(service.run(json.dumps({"data": ROWS[:3]}))))

    def test_conda_file_without_environment(self):
        """v1's older form: an entry script alone (no source_directory) and a conda file."""
        model = self.register_plain()
        folder = os.path.join(self.temp, "conda")
        script = write(folder, "score.py", "import json\ndef init():\n    pass\n"
                       "def run(raw_data):\n    return {'rows': len(json.loads(raw_data)['data'])}\n")
        write(folder, "myenv.yml", "name: project_environment\ndependencies:\n  - python=3.8\n  - pip:\n"
              "    - azureml-defaults\n")
        write(folder, "unrelated.txt", "not uploaded")
        name = unique("conda")
        self.cleanup_service(name)
        config = InferenceConfig(entry_script=script, runtime="python", conda_file=os.path.join(folder, "myenv.yml"))
        with contextlib.redirect_stdout(io.StringIO()):
            service = Model.deploy(self.ws, name, [model], config, AciWebservice.deploy_configuration())
        self.wait(service)
        self.assertEqual({"rows": 2}, service.run(json.dumps({"data": ROWS[:2]})))
        deployment = self.client.get_deployment(name, "default")
        self.assertEqual(("score.py", name + "-env:1"), (deployment["entryScript"], deployment["environment"]))
        self.assertEqual(["score.py"], [e["path"] for e in loom.snapshot.get(deployment["snapshotId"])["entries"]])

    def test_update_inference_config(self):
        model = self.register_plain()
        first = os.path.join(self.temp, "v1")
        write(first, "score.py", "def init():\n    pass\ndef run(raw_data):\n    return 'first'\n")
        second = os.path.join(self.temp, "v2")
        write(second, "main.py", "def init():\n    pass\ndef run(raw_data):\n    return {'second': raw_data}\n")
        name = unique("upd")
        service = self.deploy(name, [model], "score.py", first, LocalWebservice.deploy_configuration())
        self.wait(service)
        self.assertEqual("first", service.run("{}"))
        service.update(inference_config=InferenceConfig(entry_script="main.py", source_directory=second),
                       wait=True)
        self.assertEqual(("Healthy", "main.py"), (service.state, service.entry_script))
        self.assertEqual({"second": '{"x": 1}'}, service.run('{"x": 1}'))
        self.assertEqual(2, self.client.get_deployment(name, "default")["generation"])

    def test_failed_create_leaves_no_endpoint(self):
        name = unique("nomodel")
        self.cleanup_service(name)
        inference_config = InferenceConfig(entry_script="score_plain.py", source_directory=IRIS)
        with self.assertRaises(WebserviceException) as failed, contextlib.redirect_stdout(io.StringIO()):
            Model.deploy(self.ws, name, ["no-such-model-%s:1" % uuid.uuid4().hex[:6]], inference_config)
        self.assertIn(failed.exception.status_code, (400, 404))
        with self.assertRaises(loom.NotFoundError):
            self.client.get_endpoint(name)


class SklearnTest(WebserviceTestCase):
    def test_score_py_in_sklearn_environment(self):
        """samples/iris/score.py (inference_schema decorators, numpy) on train.py's pickled model, in a
        venv of /usr/bin/python3 that sees Debian's scikit-learn: predictions are the model's own."""
        model_file = train("train.py", "model.pkl")
        with open(model_file, "rb") as handle:
            saved = pickle.load(handle)
        expected = saved["model"].predict(ROWS).tolist()
        env = Environment("sklearn-" + uuid.uuid4().hex[:6])
        env.python.interpreter_path = "/usr/bin/python3"
        env.python.system_site_packages = True
        env.python.conda_dependencies = CondaDependencies.create(
            pip_packages=["azureml-defaults", "scikit-learn", "numpy", "inference-schema[numpy-support]"])
        env.register(self.ws)
        self.assertEqual(["scikit-learn", "numpy"], Environment.get(self.ws, env.name).python.conda_dependencies.pip_packages)

        model = self.register(model_file, unique("iris"))
        name = unique("iris-sk")
        service = self.deploy(name, [model], "score.py", IRIS, AciWebservice.deploy_configuration(auth_enabled=True),
                              environment=env.name)
        self.wait(service, show_output=True)
        self.assertEqual("Healthy", service.state)
        self.assertEqual(expected, service.run(json.dumps({"data": ROWS})))
        with open(os.path.join(IRIS, "sample-request.json"), encoding="utf-8") as handle:
            sample = json.load(handle)
        self.assertEqual(saved["model"].predict(sample["data"]).tolist(), service.run(json.dumps(sample)))
        # The decorators' schema is the service's swagger document.
        status, swagger = post_get(service.swagger_uri, service.get_keys()[0])
        self.assertEqual(200, status, swagger)
        self.assertIn("data", json.dumps(swagger))


def post_get(url, key):
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + key})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, error.read()


FAILING_RUN = '''
import json

def init():
    print("init of the failing script")

def run(raw_data):
    request = json.loads(raw_data)
    if request.get("fail"):
        raise ValueError("cannot score %s" % request["fail"])
    return {"echo": request}
'''

FAILING_INIT = '''
def init():
    print("looking for the model")
    raise RuntimeError("no model file where init expected it")

def run(raw_data):
    return raw_data
'''


class ErrorsTest(WebserviceTestCase):
    def test_run_raises_clear_error_and_service_keeps_answering(self):
        model = self.register_plain()
        source = os.path.join(self.temp, "failing")
        write(source, "echo.py", FAILING_RUN)
        name = unique("echo")
        service = self.deploy(name, [model], "echo.py", source, LocalWebservice.deploy_configuration(port=8890))
        self.assertIsInstance(service, LocalWebservice)
        self.wait(service)
        self.assertEqual("Healthy", service.state)
        self.assertEqual((8890, "Local", False, True),
                         (service.port, service.compute_type, service.auth_enabled, service.token_auth_enabled))
        # token auth: service.run sends the workspace's token; there are no keys
        self.assertEqual({"echo": {"a": 1}}, service.run(json.dumps({"a": 1})))
        with self.assertRaises(WebserviceException):
            service.get_keys()
        for _ in range(3):
            with self.assertRaises(WebserviceException) as failed:
                service.run(json.dumps({"fail": "this request"}))
            self.assertEqual(502, failed.exception.status_code)
            self.assertIn("ValueError", str(failed.exception))
            self.assertIn("cannot score this request", str(failed.exception))
            self.assertEqual({"echo": {"b": 2}}, service.run(json.dumps({"b": 2})))
        self.assertIn("cannot score this request", service.get_logs())

    def test_wrong_credentials_raise_401(self):
        model = self.register_plain()
        name = unique("iris-401")
        service = self.deploy(name, [model], "score_plain.py", IRIS,
                              AciWebservice.deploy_configuration(auth_enabled=True))
        self.wait(service)
        data = json.dumps({"data": ROWS[:1]})
        # Loom's client with a wrong key
        with self.assertRaises(loom.UnauthorizedError):
            self.client.invoke(name, data, key="not-a-key")
        # v1: a connection whose token is revoked holds stale keys; run() reads them again once, is refused
        token = self.client.create_token(unique("ws-test"), workspace="default", role="Contributor")
        other = Workspace._for_client(loom.Client(self.server.url, token["token"]), "default")
        stale = Webservice(other, name)
        self.assertIsNotNone(stale.get_keys()[0])
        self.assertEqual(plain_predictions(train("train_plain.py", "model.json"), ROWS[:1]), stale.run(data))
        self.client.regenerate_endpoint_key(name, "primary")
        self.client.revoke_token(token["id"])
        with self.assertRaises(WebserviceException) as refused:
            stale.run(data)
        self.assertEqual(401, refused.exception.status_code)
        # the service itself, whose connection is fine, reads the new key and is answered
        self.assertEqual(plain_predictions(train("train_plain.py", "model.json"), ROWS[:1]), service.run(data))

    def test_failed_init_prints_log_and_raises(self):
        model = self.register_plain()
        source = os.path.join(self.temp, "bad-init")
        write(source, "score.py", FAILING_INIT)
        name = unique("bad")
        service = self.deploy(name, [model], "score.py", source, AciWebservice.deploy_configuration())
        out = io.StringIO()
        with contextlib.redirect_stdout(out), self.assertRaises(WebserviceException) as failed:
            service.wait_for_deployment(show_output=True, timeout_sec=DEPLOY_TIMEOUT)
        message = str(failed.exception)
        self.assertIn("current service state: Failed", message)
        self.assertIn("no model file where init expected it", message)
        self.assertIn("looking for the model", out.getvalue())          # the init log, printed
        self.assertEqual("Failed", service.state)
        self.assertEqual("DeploymentFailed", service.error["code"])
        with self.assertRaises(WebserviceException):
            service.run(json.dumps({"data": ROWS[:1]}))


class LoomClientTest(WebserviceTestCase):
    def test_endpoint_deployments_invoke(self):
        model = self.register_plain()
        name = unique("ep")
        self.cleanup_service(name)
        endpoint = self.client.create_endpoint(name, auth_mode="key", description="d", tags={"t": "1"})
        self.assertEqual(("key", {}, [], {"t": "1"}),
                         (endpoint["authMode"], endpoint["traffic"], endpoint["deployments"], endpoint["tags"]))
        self.assertEqual(self.client.scoring_uri(name), endpoint["scoringUri"])
        created = self.client.create_deployment(name, "blue", [model.id], source_dir=IRIS,
                                                entry_script="score_plain.py", sample_request={"data": ROWS[:1]})
        self.assertEqual("Updating", created["state"])
        blue = self.client.wait_for_deployment(name, "blue", timeout=DEPLOY_TIMEOUT)
        self.assertEqual("Succeeded", blue["state"], blue)
        self.assertEqual({"blue": 100}, self.client.get_endpoint(name)["traffic"])
        expected = plain_predictions(train("train_plain.py", "model.json"), ROWS)
        self.assertEqual(expected, self.client.invoke(name, {"data": ROWS}))
        self.assertEqual(expected, self.client.invoke(name, json.dumps({"data": ROWS}), deployment="blue",
                                                      key=self.client.endpoint_keys(name)["secondaryKey"]))
        self.assertEqual([name], [e["name"] for e in self.client.list_endpoints() if e["name"] == name])
        self.assertEqual(["blue"], [d["name"] for d in self.client.list_deployments(name)])
        self.assertTrue(any("softmax" in line for line in self.client.deployment_logs(name, "blue", lines=100)))
        with self.assertRaises(loom.BadRequestError):
            self.client.update_endpoint(name, traffic={"blue": 50})
        # A service made this way is a v1 Webservice too (its deployment: the one with the traffic).
        service = Webservice(self.ws, name)
        self.assertEqual(("blue", "Healthy", "Loom"), (service.deployment_name, service.state, service.compute_type))
        self.assertEqual(expected, service.run(json.dumps({"data": ROWS})))
        self.client.delete_endpoint(name)
        with self.assertRaises(loom.NotFoundError):
            self.client.get_endpoint(name)


class ConfigurationTest(unittest.TestCase):
    """What the v1 configuration objects become (no server needed)."""

    def test_inference_config_checks_like_v1(self):
        InferenceConfig(entry_script="score.py", source_directory=IRIS)
        InferenceConfig(entry_script=os.path.join(IRIS, "score_plain.py"))
        with self.assertRaises(WebserviceException):
            InferenceConfig(entry_script="missing.py", source_directory=IRIS)
        with self.assertRaises(WebserviceException):
            InferenceConfig(entry_script="score.py", source_directory=os.path.join(IRIS, "missing"))
        with self.assertRaises(WebserviceException):
            InferenceConfig(entry_script="score.py", source_directory=IRIS, conda_file="env.yml",
                            environment=Environment("x"))
        with self.assertRaises(WebserviceException):
            InferenceConfig(source_directory=IRIS)

    def test_deploy_configurations(self):
        aci = AciWebservice.deploy_configuration(cpu_cores=1, memory_gb=2, auth_enabled=True, tags={"a": "b"})
        self.assertIsInstance(aci, aci_module.AciServiceDeploymentConfiguration)
        self.assertEqual("key", aci._auth_mode())
        self.assertEqual({"azureml.computeType": "ACI", "azureml.cpuCores": "1", "azureml.memoryGb": "2"},
                         aci._reserved_tags())
        self.assertEqual("token", AciWebservice.deploy_configuration()._auth_mode())
        local = LocalWebservice.deploy_configuration(port=8890)
        self.assertIsInstance(local, local_module.LocalWebserviceDeploymentConfiguration)
        self.assertEqual(("token", "8890"), (local._auth_mode(), local._reserved_tags()["azureml.port"]))
        aks = AksWebservice.deploy_configuration(autoscale_min_replicas=1, autoscale_max_replicas=3,
                                                 scoring_timeout_ms=5000)
        self.assertEqual(("key", {"min_replicas": 1, "max_replicas": 3, "request_timeout_ms": 5000}),
                         (aks._auth_mode(), aks._deployment_settings()))
        with self.assertRaises(WebserviceException):
            AciWebservice.deploy_configuration(cpu_cores=0)
        with self.assertRaises(WebserviceException):
            AksWebservice.deploy_configuration(auth_enabled=True, token_auth_enabled=True)

    def test_conda_specification(self):
        folder = tempfile.mkdtemp(prefix="loom-conda-")
        self.addCleanup(shutil.rmtree, folder, True)
        path = write(folder, "env.yml", "name: project_environment\ndependencies:\n  - python=3.8.10\n"
                     "  - scikit-learn=0.24.2\n  - pip:\n    - azureml-defaults>=1.30\n    - joblib==1.0\n"
                     "channels:\n  - conda-forge\n")
        env = Environment.from_conda_specification("myenv", path)
        self.assertEqual(["scikit-learn==0.24.2", "joblib==1.0"], env.python.conda_dependencies._requirements())


if __name__ == "__main__":
    unittest.main()
