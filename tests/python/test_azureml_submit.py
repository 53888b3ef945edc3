"""The azureml.core shim's notebook side against a real server: Workspace.from_config, Environment,
ComputeTarget, Experiment.submit(ScriptRunConfig). No agent runs here, so submitted runs stay
Queued unless canceled."""

import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest
import uuid

import loomtest
from test_submit import SOURCE, git, make_source

import loom
from azureml.core import ComputeTarget, Environment, Experiment, Run, ScriptRunConfig, Workspace
from azureml.core.compute import AmlCompute
from azureml.core.compute import ComputeTarget as ComputeTargetFromCompute
from azureml.core.compute_target import ComputeTargetException
from azureml.core.conda_dependencies import CondaDependencies
from azureml.core.environment import Environment as EnvironmentFromModule
from azureml.core.runconfig import MpiConfiguration, PyTorchConfiguration
from azureml.exceptions import ActivityFailedException, ComputeTargetException as ComputeTargetExceptionFromExceptions
from azureml.exceptions import UserErrorException


def write_json(path, document):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle)


class FromConfigTest(loomtest.ServerTestCase):
    """Workspace.from_config: where config.json is found, and where the server, workspace and token
    come from. Each test runs in an empty temp folder with no LOOM_* variables, no profile and no
    admin token unless it makes them."""

    def setUp(self):
        super().setUp()
        for key in ("LOOM_TRACKING_URI", "LOOM_TOKEN", "LOOM_WORKSPACE"):
            os.environ.pop(key, None)
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="loom-fromconfig-"))
        self.addCleanup(shutil.rmtree, self.root, True)
        os.environ["LOOM_CONFIG_DIR"] = os.path.join(self.root, "profile")
        os.environ["LOOM_DATA"] = os.path.join(self.root, "data")
        self.workspace = "pyconfig-" + uuid.uuid4().hex[:8]
        self.server.ensure_workspace(self.workspace)
        cwd = os.getcwd()
        self.addCleanup(os.chdir, cwd)
        self.cwd = os.path.join(self.root, "project", "notebooks")
        os.makedirs(self.cwd)
        os.chdir(self.cwd)

    def config(self, folder, workspace=None, token=True, **extra):
        document = {"subscription_id": "sub", "resource_group": "rg", "workspace_name": workspace or self.workspace,
                    "loom_url": self.server.url}
        if token:
            document["token"] = self.server.token if token is True else token
        document.update(extra)
        path = os.path.join(folder, "config.json")
        write_json(path, {k: v for k, v in document.items() if v is not None})
        return path

    def test_config_json_in_the_current_folder(self):
        self.config(self.cwd)
        ws = Workspace.from_config()
        self.assertEqual(self.workspace, ws.name)
        self.assertEqual(("sub", "rg"), (ws.subscription_id, ws.resource_group))
        self.assertEqual(self.server.url, ws.client.tracking_uri)
        self.assertEqual(self.workspace, ws.get_details()["name"])

    def test_config_in_dot_azureml_and_in_a_parent_folder(self):
        self.config(os.path.join(self.root, "project", ".azureml"))
        self.assertEqual(self.workspace, Workspace.from_config().name)
        other = "pyconfig-" + uuid.uuid4().hex[:8]
        self.server.ensure_workspace(other)
        self.config(os.path.join(self.cwd, ".azureml"), workspace=other)
        self.assertEqual(other, Workspace.from_config().name, "the nearest folder wins")
        self.config(self.cwd, workspace=self.workspace)
        self.assertEqual(self.workspace, Workspace.from_config().name, "config.json before .azureml/")

    def test_explicit_file_or_folder_and_tracking_uri_key(self):
        folder = os.path.join(self.root, "elsewhere")
        path = self.config(folder, loom_url=None, tracking_uri=self.server.url)
        self.assertEqual(self.workspace, Workspace.from_config(path=path).name)
        self.assertEqual(self.workspace, Workspace.from_config(path=folder).name)
        os.rename(path, os.path.join(folder, "ws.json"))
        self.assertEqual(self.workspace, Workspace.from_config(path=folder, _file_name="ws.json").name)
        with self.assertRaises(UserErrorException):
            Workspace.from_config(path=os.path.join(self.root, "no-such-folder"))

    def test_variables_without_a_config_file(self):
        with self.assertRaises(UserErrorException) as caught:
            Workspace.from_config()
        self.assertIn("config.json", str(caught.exception))
        os.environ.update(LOOM_URL=self.server.url, LOOM_TOKEN=self.server.token, LOOM_WORKSPACE=self.workspace)
        self.assertEqual(self.workspace, Workspace.from_config().name)
        del os.environ["LOOM_URL"]
        os.environ["LOOM_TRACKING_URI"] = self.server.url
        self.assertEqual(self.workspace, Workspace.from_config().name)

    def test_token_from_variable_then_config_then_profile_then_admin_token(self):
        self.config(self.cwd, token=False)
        with self.assertRaises(UserErrorException) as caught:
            Workspace.from_config()
        self.assertEqual("unauthorized", caught.exception.code)
        self.assertIn("refused the token", str(caught.exception))

        self.config(self.cwd, token="not-a-token")
        with self.assertRaises(UserErrorException):
            Workspace.from_config()
        os.environ["LOOM_TOKEN"] = self.server.token
        self.assertEqual(self.workspace, Workspace.from_config().name, "LOOM_TOKEN over the config's token")
        del os.environ["LOOM_TOKEN"]

        self.config(self.cwd, token=False)
        profile = os.path.join(os.environ["LOOM_CONFIG_DIR"], "profile.json")
        write_json(profile, {"url": "http://127.0.0.1:1", "token": self.server.token, "workspace": "x"})
        with self.assertRaises(UserErrorException, msg="a profile of another server lends no token"):
            Workspace.from_config()
        write_json(profile, {"url": self.server.url + "/", "token": self.server.token, "workspace": "x"})
        self.assertEqual(self.workspace, Workspace.from_config().name)

        os.unlink(profile)
        os.environ["LOOM_DATA"] = self.server.data_dir  # a local server's admin.token
        self.assertEqual(self.workspace, Workspace.from_config().name)

    def test_profile_alone_names_server_workspace_and_token(self):
        write_json(os.path.join(os.environ["LOOM_CONFIG_DIR"], "profile.json"),
                   {"url": self.server.url, "token": self.server.token, "workspace": self.workspace})
        self.assertEqual(self.workspace, Workspace.from_config().name)

    def test_unknown_workspace_and_write_config(self):
        self.config(self.cwd, workspace="no-such-workspace-" + uuid.uuid4().hex[:6])
        with self.assertRaises(UserErrorException) as caught:
            Workspace.from_config()
        self.assertIn("does not exist", str(caught.exception))

        os.environ["LOOM_TOKEN"] = self.server.token
        ws = Workspace(workspace_name=self.workspace, _client=loom.Client(self.server.url, self.server.token))
        folder = os.path.join(self.root, "written")
        path = ws.write_config(path=folder)
        self.assertEqual(os.path.join(folder, ".azureml", "config.json"), path)
        with open(path, encoding="utf-8") as handle:
            written = json.load(handle)
        self.assertEqual({"workspace_name": self.workspace, "loom_url": self.server.url}, written)
        self.assertEqual(self.workspace, Workspace.from_config(path=folder).name)


class ShimTestBase(loomtest.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.compute = "pyazsub-" + uuid.uuid4().hex[:8]
        cls.server.ok("POST", cls.server.ws_path() + "/computes",
                      {"name": cls.compute, "type": "attached", "maxNodes": 2})

    def setUp(self):
        super().setUp()
        self.ws = Workspace(workspace_name="default", _client=loom.Client(self.server.url, self.server.token))
        self.folder = make_source(SOURCE)
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.experiment = Experiment(self.ws, "pyazsub-" + uuid.uuid4().hex[:8])

    def submit(self, **kwargs):
        args = dict(source_directory=self.folder, script="train.py", compute_target=self.compute)
        args.update(kwargs)
        run = self.experiment.submit(ScriptRunConfig(**args))
        self.addCleanup(self.server.api, "POST", self.server.run_path(run.id) + "/cancel")
        return run

    def job(self, run_id):
        return self.server.ok("GET", self.server.run_path(run_id) + "/job")


class EnvironmentShimTest(ShimTestBase):
    def test_from_pip_requirements_register_and_get(self):
        self.assertIs(Environment, EnvironmentFromModule)
        name = "pyazenv-" + uuid.uuid4().hex[:8]
        requirements = os.path.join(self.folder, "requirements.txt")
        with open(requirements, "w", encoding="utf-8") as handle:
            handle.write("# what train.py needs\nnumpy\nscikit-learn>=1.0  # models\n\n"
                         "--find-links ./wheels\n--no-index\n")
        env = Environment.from_pip_requirements(name, requirements)
        self.assertIsNone(env.version)
        env.python.system_site_packages = True
        self.assertIs(env, env.register(self.ws))
        self.assertEqual("1", env.version)
        stored = self.server.ok("GET", self.server.ws_path() + "/environments/" + name)
        self.assertEqual(["numpy", "scikit-learn>=1.0"], stored["python"]["requirements"])
        self.assertEqual([os.path.join(self.folder, "wheels")], stored["python"]["pipOptions"]["findLinks"])
        self.assertTrue(stored["python"]["pipOptions"]["noIndex"])
        self.assertTrue(stored["python"]["systemSitePackages"])

        again = Environment.from_pip_requirements(name, requirements)
        again.python.system_site_packages = True
        self.assertEqual("1", again.register(self.ws).version, "an unchanged spec keeps its version")
        env.python.conda_dependencies.add_pip_package("scipy")
        env.environment_variables = {"OMP_NUM_THREADS": "1"}
        self.assertEqual("2", env.register(self.ws).version)

        latest = Environment.get(self.ws, name)
        self.assertEqual(("2", ["numpy", "scikit-learn>=1.0", "scipy"]),
                         (latest.version, latest.python.conda_dependencies.pip_packages))
        self.assertEqual({"OMP_NUM_THREADS": "1"}, latest.environment_variables)
        self.assertTrue(latest.python.system_site_packages)
        first = Environment.get(self.ws, name, version="1")
        self.assertEqual(["numpy", "scikit-learn>=1.0"], first.python.conda_dependencies.pip_packages)
        self.assertIn(name, self.ws.environments)

        system = Environment.get(self.ws, "system")
        self.assertTrue(system.python.user_managed_dependencies)
        with self.assertRaises(UserErrorException) as caught:
            Environment.get(self.ws, name, version="9")
        self.assertEqual("environment_not_found", caught.exception.code)

    def test_conda_dependencies_and_user_managed_interpreter(self):
        env = Environment("pyazenv-" + uuid.uuid4().hex[:8])
        env.python.conda_dependencies = CondaDependencies.create(
            pip_packages=["requests"], conda_packages=["python=3.11", "pandas=1.5"])
        env.register(self.ws)
        stored = self.server.ok("GET", self.server.ws_path() + "/environments/" + env.name)
        self.assertEqual(["pandas==1.5", "requests"], stored["python"]["requirements"])

        managed = Environment("pyazenv-" + uuid.uuid4().hex[:8])
        managed.python.user_managed_dependencies = True
        managed.python.interpreter_path = "/usr/bin/python3"
        managed.register(self.ws)
        stored = self.server.ok("GET", self.server.ws_path() + "/environments/" + managed.name)
        self.assertEqual(("/usr/bin/python3", [], True), (stored["python"]["interpreter"], stored["python"]["requirements"],
                                                          stored["python"]["systemSitePackages"]))


class ComputeShimTest(ShimTestBase):
    def test_missing_compute_target_raises_like_azure(self):
        self.assertIs(ComputeTarget, ComputeTargetFromCompute)
        self.assertIs(ComputeTargetException, ComputeTargetExceptionFromExceptions)
        name = "no-such-target-" + uuid.uuid4().hex[:6]
        with self.assertRaises(ComputeTargetException) as caught:
            ComputeTarget(workspace=self.ws, name=name)
        self.assertIn(name, str(caught.exception))
        self.assertEqual("compute_not_found", caught.exception.code)
        self.assertIsInstance(caught.exception, loom.LoomError)

    def test_existing_target_and_create(self):
        target = ComputeTarget(self.ws, self.compute)
        self.assertEqual((self.compute, "attached", 2, "Succeeded"),
                         (target.name, target.type, target.max_nodes, target.provisioning_state))
        self.assertIn(self.compute, self.ws.compute_targets)

        name = "pyazcluster-" + uuid.uuid4().hex[:6]
        try:
            ComputeTarget(workspace=self.ws, name=name)
        except ComputeTargetException:
            config = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=3)
            created = ComputeTarget.create(self.ws, name, config)
        self.addCleanup(self.server.api, "DELETE", self.server.ws_path() + "/computes/" + name)
        with contextlib.redirect_stdout(io.StringIO()):
            created.wait_for_completion(show_output=True)
        self.assertEqual(("local", 3), (created.type, created.max_nodes))
        self.assertEqual("local", ComputeTarget(self.ws, name).type)
        with self.assertRaises(ComputeTargetException):
            ComputeTarget.create(self.ws, name, AmlCompute.provisioning_configuration(max_nodes=1))
        created.delete()
        with self.assertRaises(ComputeTargetException):
            ComputeTarget(self.ws, name)


class ExperimentSubmitTest(ShimTestBase):
    def test_submit_script_run_config(self):
        env = Environment("pyazenv-" + uuid.uuid4().hex[:8])
        env.python.conda_dependencies.add_pip_package("numpy")
        run = self.submit(arguments=["--c", 0.5, "--folds", 3], compute_target=ComputeTarget(self.ws, self.compute),
                          environment=env, max_run_duration_seconds=600)
        self.assertIsInstance(run, Run)
        self.assertEqual("1", env.version, "registered at submit")
        self.assertEqual(self.experiment, run.experiment)
        self.assertEqual("Queued", run.get_status())
        details = run.get_details()
        self.assertEqual((run.id, "Queued", self.compute), (details["runId"], details["status"], details["target"]))
        props = details["properties"]
        self.assertEqual(env.name + ":1", props["loom.environment"])
        self.assertEqual(git(self.folder, "rev-parse", "HEAD"), props["azureml.git.commit"])
        self.assertEqual("train.py", props["loom.script"])
        job = self.job(run.id)
        self.assertEqual((["--c", "0.5", "--folds", "3"], 600), (job["arguments"], job["maxDurationSeconds"]))
        self.assertIn(run.id, [r.id for r in self.experiment.get_runs()])
        self.assertTrue(run.get_portal_url().endswith("/runs/" + run.id))

    def test_environment_none_is_system_and_tags(self):
        run = self.experiment.submit(ScriptRunConfig(self.folder, "train.py", compute_target=self.compute),
                                     tags={"sample": "iris"})
        self.addCleanup(self.server.api, "POST", self.server.run_path(run.id) + "/cancel")
        self.assertEqual("system:1", run.get_properties()["loom.environment"])
        self.assertEqual({"sample": "iris"}, run.get_tags())

    def test_distributed_configurations(self):
        run = self.submit(distributed_job_config=PyTorchConfiguration(process_count=4, node_count=2))
        job = self.job(run.id)
        self.assertEqual((2, 2, "pytorch"), (job["nodeCount"], job["processCountPerNode"], job["distribution"]))
        run = self.submit(distributed_job_config=MpiConfiguration(process_count_per_node=3))
        job = self.job(run.id)
        self.assertEqual((1, 3, "mpi"), (job["nodeCount"], job["processCountPerNode"], job["distribution"]))
        with self.assertRaises(UserErrorException):
            self.submit(distributed_job_config=PyTorchConfiguration(process_count=3, node_count=2))

    def test_bad_submissions_raise_user_errors(self):
        with self.assertRaises(UserErrorException) as caught:
            self.submit(script="missing.py")
        self.assertIn("missing.py", str(caught.exception))
        with self.assertRaises(UserErrorException) as caught:
            self.submit(compute_target="no-such-target")
        self.assertEqual("compute_not_found", caught.exception.code)
        with self.assertRaises(UserErrorException) as caught:
            self.experiment.submit(ScriptRunConfig(self.folder, "train.py"))
        self.assertEqual("compute_not_found", caught.exception.code, "Azure's default target is 'local'")
        self.assertIn("local", str(caught.exception))
        with self.assertRaises(UserErrorException):
            self.submit(environment=Environment.get(self.ws, "system"), script=None, command=None)
        with self.assertRaises(UserErrorException):
            self.experiment.submit(object())
        self.assertEqual([], list(self.experiment.get_runs()))

    def test_cancel_then_wait_raises_activity_failed(self):
        run = self.submit()
        run.cancel()
        self.assertEqual("Canceled", run.get_status())
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            with self.assertRaises(ActivityFailedException) as caught:
                run.wait_for_completion(show_output=True)
        self.assertIsInstance(caught.exception, loom.RunFailedError)
        self.assertIn("Activity Failed", str(caught.exception))
        self.assertIn("Status: Canceled", output.getvalue())
        details = run.wait_for_completion(raise_on_error=False)
        self.assertEqual("Canceled", details["status"])

    def test_start_logging_interactive_run(self):
        run = self.experiment.start_logging(display_name="notebook")
        run.log("accuracy", 0.5)
        run.log("accuracy", 0.75)
        run.complete()
        self.assertEqual({"accuracy": [0.5, 0.75]}, run.get_metrics())
        self.assertEqual("Completed", run.wait_for_completion()["status"])
        self.assertEqual("notebook", self.server.get_run(run.id)["displayName"])


if __name__ == "__main__":
    unittest.main()
