"""Submitted runs that really run: a ``loom agent`` process (started here from ``$LOOM_CLI``) serves
an attached compute target, and the Azure ML v1 notebook flow and ``loom.submit`` drive it.

Every wait is bounded: the notebook runs in a child process with a timeout, in-process waits pass
``timeout_seconds``/``timeout``.
"""

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import unittest
import uuid

import loomtest
from test_submit import make_source

import loom
from azureml.core import Experiment, ScriptRunConfig, Workspace
from azureml.core.runconfig import PyTorchConfiguration
from azureml.exceptions import ActivityFailedException

SAMPLE = os.path.join(loomtest.REPO, "samples", "iris")
RUN_TIMEOUT = 300


class AgentTestCase(loomtest.ServerTestCase):
    """Starts one agent for an attached compute target of its own, stopped after the class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.compute = "pyagent-" + uuid.uuid4().hex[:8]
        cls.server.ok("POST", cls.server.ws_path() + "/computes", {"name": cls.compute, "type": "attached"})
        cls.cache = tempfile.mkdtemp(prefix="loom-agent-cache-")
        cls.agent_log_path = os.path.join(cls.cache, "agent.out")
        cls.agent_log = open(cls.agent_log_path, "wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOM_", "AZUREML_"))}
        cls.agent = subprocess.Popen(
            loomtest.cli_command() + ["agent", "--compute", cls.compute, "--url", cls.server.url,
                                      "--token", cls.server.token, "--python", loomtest.PYTHON,
                                      "--cache", cls.cache],
            stdout=cls.agent_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)
        try:
            loomtest.wait_until(cls._agent_registered, 60, interval=0.2, message="the agent to register")
        except AssertionError:
            cls._stop_agent()
            raise

    @classmethod
    def _agent_registered(cls):
        if cls.agent.poll() is not None:
            raise AssertionError("loom agent exited with %s:\n%s" % (cls.agent.returncode, cls.agent_output()))
        return cls.server.ok("GET", cls.server.ws_path() + "/computes/" + cls.compute)["nodes"]

    @classmethod
    def agent_output(cls):
        with open(cls.agent_log_path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")[-4000:]

    @classmethod
    def _stop_agent(cls):
        if cls.agent.poll() is None:
            try:
                os.killpg(cls.agent.pid, signal.SIGTERM)
                cls.agent.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(cls.agent.pid, signal.SIGKILL)
                cls.agent.wait(30)
            except ProcessLookupError:
                pass
        cls.agent_log.close()
        shutil.rmtree(cls.cache, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        cls._stop_agent()
        super().tearDownClass()


class NotebookFlowTest(AgentTestCase):
    def test_unchanged_v1_notebook_flow_on_an_agent(self):
        """samples/iris/submit_v1.py: Workspace.from_config -> Experiment.submit(ScriptRunConfig of
        train_plain.py) -> wait_for_completion(show_output=True) -> get_metrics -> download_file."""
        work = tempfile.mkdtemp(prefix="loom-notebook-")
        self.addCleanup(shutil.rmtree, work, True)
        with open(os.path.join(work, "config.json"), "w", encoding="utf-8") as handle:
            json.dump({"loom_url": self.server.url, "workspace_name": "default", "token": self.server.token}, handle)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOM_", "AZUREML_"))}
        env.update(PYTHONPATH=loomtest.CLIENT_DIR, PYTHONUNBUFFERED="1",
                   LOOM_CONFIG_DIR=os.path.join(work, "no-profile"), LOOM_DATA=os.path.join(work, "no-data"))
        result = subprocess.run(
            [loomtest.PYTHON, os.path.join(SAMPLE, "submit_v1.py"), "--script", "train_plain.py",
             "--environment", "system", "--compute", self.compute, "--experiment", "pyagent-iris",
             "--download-to", work],
            cwd=work, env=env, timeout=RUN_TIMEOUT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(0, result.returncode, "stdout:\n%s\nstderr:\n%s\nagent:\n%s"
                         % (result.stdout, result.stderr, self.agent_output()))
        out = result.stdout
        # The script's own output, streamed from std_log.txt, between the header and the summary.
        streamed = out[out.index("Streaming std_log.txt"):out.index("Execution Summary")]
        self.assertIn("fold 1/5: accuracy=", streamed)
        self.assertIn("wrote outputs/model.json", streamed)
        self.assertIn("Status: Completed", out)
        self.assertIn("fold_accuracy: [", out)            # logged five times: a list
        self.assertIn("confusion_matrix: {'actual': ['setosa', 'versicolor', 'virginica']", out)
        self.assertIn("Files: outputs/model.json", out)
        with open(os.path.join(work, "model.json"), encoding="utf-8") as handle:
            model = json.load(handle)
        self.assertEqual(["setosa", "versicolor", "virginica"], model["classes"])

        run_id = out.split("RunId: ", 1)[1].split()[0]
        stored = self.server.get_run(run_id)
        self.assertEqual(("Completed", "pyagent-iris"), (stored["status"], stored["experiment"]))
        self.assertEqual("0.5", stored["params"]["C"])
        self.assertEqual("logistic-regression", stored["tags"]["model"])
        self.assertGreater(stored["metrics"]["accuracy"], 0.8)


class SubmittedRunOutcomesTest(AgentTestCase):
    def setUp(self):
        super().setUp()
        self.ws = Workspace(workspace_name="default", _client=loom.Client(self.server.url, self.server.token))
        self.experiment = Experiment(self.ws, "pyagent-" + uuid.uuid4().hex[:8])

    def source(self, files):
        folder = make_source(files, repository=False)
        self.addCleanup(shutil.rmtree, folder, True)
        return folder

    def test_failing_script_raises_activity_failed(self):
        folder = self.source({"fail.py": "import sys\nprint('about to fail', flush=True)\nsys.exit(3)\n"})
        run = self.experiment.submit(ScriptRunConfig(folder, "fail.py", compute_target=self.compute))
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            with self.assertRaises(ActivityFailedException) as caught:
                run.wait_for_completion(show_output=True, timeout_seconds=RUN_TIMEOUT)
        self.assertEqual("Failed", run.get_status())
        self.assertIn("about to fail", output.getvalue())
        self.assertIn("exit code 3", str(caught.exception))
        self.assertIn("exit code 3", run.get_details()["error"]["error"]["message"])

    def test_cancel_a_running_run(self):
        folder = self.source({"sleep.py": "import time\nprint('started', flush=True)\ntime.sleep(600)\n"})
        run = self.experiment.submit(ScriptRunConfig(folder, "sleep.py", compute_target=self.compute))
        client = self.ws.client

        def started():
            try:
                return b"started" in client.read_log(run.id, "std_log.txt")[0]
            except loom.NotFoundError:
                return False
        loomtest.wait_until(started, RUN_TIMEOUT, interval=0.2, message="the script to start")
        run.cancel()
        with self.assertRaises(ActivityFailedException):
            run.wait_for_completion(timeout_seconds=RUN_TIMEOUT)
        self.assertEqual("Canceled", run.get_status())

    def test_distributed_run_streams_rank_zero(self):
        folder = self.source({"ranks.py": "import os\nprint('rank %s of %s' % (os.environ['RANK'], "
                                          "os.environ['WORLD_SIZE']), flush=True)\n"})
        run = self.experiment.submit(ScriptRunConfig(
            folder, "ranks.py", compute_target=self.compute,
            distributed_job_config=PyTorchConfiguration(process_count=2, node_count=1)))
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            run.wait_for_completion(show_output=True, timeout_seconds=RUN_TIMEOUT)
        self.assertIn("Streaming std_log_process_0.txt", output.getvalue())
        self.assertIn("rank 0 of 2", output.getvalue())
        self.assertNotIn("rank 1 of 2", output.getvalue())
        self.assertIn(b"rank 1 of 2", self.ws.client.read_log(run.id, "std_log_process_1.txt")[0])

    def test_loom_submit_metrics_and_files(self):
        run = loom.submit(SAMPLE, script="train_plain.py", arguments=["--c", 1.0, "--folds", 3],
                          compute=self.compute, experiment=self.experiment.name)
        doc = run.wait_for_completion(timeout=RUN_TIMEOUT)
        self.assertEqual("Completed", doc["status"])
        metrics = run.get_metrics()
        self.assertGreater(metrics["accuracy"], 0.8)
        self.assertEqual(["actual", "predicted_setosa", "predicted_versicolor", "predicted_virginica"],
                         sorted(metrics["confusion_matrix"]))
        self.assertEqual(3, len(run.get_metric_history("fold_accuracy")))
        self.assertIn("outputs/model.json", run.get_file_names())
        target = tempfile.mkdtemp(prefix="loom-outputs-")
        self.addCleanup(shutil.rmtree, target, True)
        run.download_files(prefix="outputs/", output_directory=target)
        with open(os.path.join(target, "outputs", "model.json"), encoding="utf-8") as handle:
            self.assertEqual(1.0, json.load(handle)["c"])


if __name__ == "__main__":
    unittest.main()
