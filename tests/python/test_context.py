"""Run.get_context(): attached to a submitted run (environment variables), or offline."""

import json
import os
import shutil
import tempfile
import unittest
import uuid

import loomtest


ATTACHED_SCRIPT = r"""
import json, loom
run = loom.Run.get_context()
again = loom.Run.get_context()
run.log("loss", 0.5)
again.log("loss", 0.25)
run.log_params({"epochs": 3})
run.set_tags({"where": "agent"})
run.upload_file("outputs/result.txt", __import__("io").BytesIO(b"done"))
child = run.child_run("inner")
child.log("inner_metric", 1)
child.complete()
run.flush()
print(json.dumps({"id": run.id, "offline": run.offline, "experiment": run.experiment_name,
                  "child": child.id}))
"""

OFFLINE_SCRIPT = r"""
import json, loom
run = loom.Run.get_context()
run.log("loss", 0.5)
run.log("loss", float("nan"))
run.log_list("l", [1, 2])
run.log_params({"lr": 0.1})
run.set_tags({"t": "v"})
run.upload_file("outputs/a.txt", __import__("io").BytesIO(b"offline bytes"))
child = run.child_run("c")
child.log("m", 2)
child.complete()
run.complete()
print(json.dumps({"id": run.id, "offline": run.offline, "folder": run.offline_folder,
                  "child": child.id}))
"""


class ContextTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = loomtest.shared_server()

    def test_inside_a_submitted_run(self):
        experiment = "pyctx-" + uuid.uuid4().hex[:8]
        created = self.server.ok("POST", self.server.ws_path() + "/runs", {"experiment": experiment})
        token = self.server.ok("POST", "/api/v1/tokens", {"name": "ctx-" + uuid.uuid4().hex[:6],
                                                          "workspace": "default", "role": "Contributor"})
        env = self.server.env(LOOM_RUN_ID=created["id"], LOOM_RUN_TOKEN=token["token"],
                              LOOM_EXPERIMENT=experiment)
        del env["LOOM_TOKEN"]  # a submitted run only has its run token
        result = loomtest.run_script(ATTACHED_SCRIPT, env)
        self.assertEqual(0, result.returncode, result.stderr)
        out = json.loads(result.stdout)
        self.assertEqual(created["id"], out["id"])
        self.assertFalse(out["offline"])
        self.assertEqual(experiment, out["experiment"])
        stored = self.server.get_run(created["id"])
        self.assertEqual("Running", stored["status"])  # the agent, not the script, finishes it
        self.assertEqual({"epochs": "3"}, stored["params"])
        self.assertEqual({"where": "agent"}, stored["tags"])
        self.assertEqual([0, 1], [p["step"] for p in self.server.history(created["id"], "loss")["points"]])
        status, data = self.server.api("GET", self.server.run_path(created["id"]) + "/artifacts/outputs/result.txt", raw=True)
        self.assertEqual((200, b"done"), (status, data))
        child = self.server.get_run(out["child"])
        self.assertEqual(created["id"], child["parentRunId"])
        self.assertEqual("Completed", child["status"])
        runs = self.server.ok("GET", self.server.ws_path() + "/runs?experiment=" + experiment)["value"]
        self.assertEqual(2, len(runs), "get_context must not create runs")

    def test_exit_flushes_unsent_metrics(self):
        script = ("import loom\nrun = loom.start_run(experiment='pyexit')\nprint(run.id)\n"
                  "for i in range(5000):\n    run.log('late', i)\n")  # no flush, no complete
        result = loomtest.run_script(script, self.server.env(LOOM_METRICS_INTERVAL=30))
        self.assertEqual(0, result.returncode, result.stderr)
        history = self.server.history(result.stdout.strip(), "late")
        self.assertEqual(5000, history["count"])
        self.assertEqual(list(range(5000)), [p["step"] for p in history["points"]])

    def test_azure_variable_aliases(self):
        experiment = "pyctx-" + uuid.uuid4().hex[:8]
        created = self.server.ok("POST", self.server.ws_path() + "/runs", {"experiment": experiment})
        env = self.server.env(AZUREML_RUN_ID=created["id"], AZUREML_RUN_TOKEN=self.server.token,
                              AZUREML_EXPERIMENT_NAME=experiment, AZUREML_ARM_WORKSPACE_NAME="default")
        for key in ("LOOM_TOKEN", "LOOM_WORKSPACE"):
            del env[key]
        result = loomtest.run_script(
            "import loom; r = loom.Run.get_context(); r.log('a', 1); r.flush(); print(r.id)", env)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(created["id"], result.stdout.strip())
        self.assertEqual(1, self.server.get_run(created["id"])["metrics"]["a"])

    def test_outside_any_run_is_offline(self):
        cwd = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, cwd, True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOM_", "AZUREML_"))}
        env["PYTHONPATH"] = loomtest.CLIENT_DIR
        result = loomtest.run_script(OFFLINE_SCRIPT, env, cwd=cwd)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(1, result.stderr.count("loom: not connected"), result.stderr)  # said once
        out = json.loads(result.stdout)
        self.assertTrue(out["offline"])
        folder = os.path.join(os.path.realpath(cwd), ".loom", "offline", out["id"])
        self.assertEqual(folder, os.path.realpath(out["folder"]))
        with open(os.path.join(folder, "metrics.jsonl")) as handle:
            lines = [json.loads(line) for line in handle]
        self.assertEqual([("loss", 0.5, 0), ("loss", "NaN", 1), ("l", [1, 2], 0)],
                         [(l["name"], l["value"], l["step"]) for l in lines])
        with open(os.path.join(folder, "run.json")) as handle:
            doc = json.load(handle)
        self.assertEqual("Completed", doc["status"])
        self.assertEqual({"lr": "0.1"}, doc["params"])
        self.assertEqual({"t": "v"}, doc["tags"])
        with open(os.path.join(folder, "artifacts", "outputs", "a.txt"), "rb") as handle:
            self.assertEqual(b"offline bytes", handle.read())
        with open(os.path.join(cwd, ".loom", "offline", out["child"], "run.json")) as handle:
            self.assertEqual(out["id"], json.load(handle)["parentRunId"])

    def test_offline_folder_is_created_lazily(self):
        cwd = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, cwd, True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOM_", "AZUREML_"))}
        env["PYTHONPATH"] = loomtest.CLIENT_DIR
        result = loomtest.run_script("import loom; print(loom.Run.get_context().id)", env, cwd=cwd)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertFalse(os.path.exists(os.path.join(cwd, ".loom")))


if __name__ == "__main__":
    unittest.main()
