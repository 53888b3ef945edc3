"""The azureml.core shim: an Azure ML v1 training script run unchanged against Loom."""

import json
import math
import os
import shutil
import tempfile
import unittest
import uuid

import loomtest

AZURE_SCRIPT = r"""
import io, json, os, sys
from azureml.core import Run

run = Run.get_context()
run.log("accuracy", 0.5)
run.log("accuracy", 0.75, "a description", 5)
run.log("lr", 0.01, description="learning rate")
run.log("model", "resnet")
run.log_list("losses", [0.3, 0.2, float("inf")])
run.log_row("per_class", cls="cat", f1=0.5)
run.log_row("per_class", cls="dog", f1=0.25)
run.log_table("roc", {"fpr": [0, 0.5, 1], "tpr": [0, 0.8, 1]})
run.log_image("confusion", path=sys.argv[1])
run.upload_file(name="outputs/model.txt", path_or_stream=io.BytesIO(b"weights"))
run.tag("quick")
run.tag("kind", "baseline")
run.set_tags({"team": "ml"})
run.add_properties({"framework": "none"})
child = run.child_run(name="fold-1")
child.log("fold_acc", 0.9)
child.complete()
grandchild_parent = run.child_run(name="fold-2")
grandchild = grandchild_parent.child_run(name="inner")
grandchild.fail(error_details=ValueError("bad fold"))
grandchild_parent.complete()
metrics = run.get_metrics()
print(json.dumps({
    "id": run.id, "experiment": run.experiment.name, "workspace": run.experiment.workspace.name,
    "status": run.get_status(), "metrics": metrics, "tags": run.get_tags(),
    "properties": run.get_properties(), "child": child.id, "child_status": child.get_status(),
    "grandchild": grandchild.id, "children": [c.id for c in run.get_children()],
    "details_status": run.get_details()["status"], "files": run.get_file_names(),
    "recursive": sorted(run.get_metrics(recursive=True)),
}))
run.complete()
"""


class AzureMLShimTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = loomtest.shared_server()

    def test_v1_script_against_loom(self):
        experiment = "pyazure-" + uuid.uuid4().hex[:8]
        created = self.server.ok("POST", self.server.ws_path() + "/runs", {"experiment": experiment})
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, True)
        image = os.path.join(folder, "cm.png")
        with open(image, "wb") as handle:
            handle.write(loomtest.png_bytes())
        env = self.server.env(AZUREML_RUN_ID=created["id"], AZUREML_RUN_TOKEN=self.server.token,
                              AZUREML_EXPERIMENT_NAME=experiment, AZUREML_ARM_WORKSPACE_NAME="default")
        for key in ("LOOM_TOKEN", "LOOM_WORKSPACE"):
            del env[key]
        result = loomtest.run_script(AZURE_SCRIPT, env, cwd=folder, args=[image])
        self.assertEqual(0, result.returncode, result.stderr)
        out = json.loads(result.stdout)

        self.assertEqual(created["id"], out["id"])
        self.assertEqual(experiment, out["experiment"])
        self.assertEqual("default", out["workspace"])
        self.assertEqual("Running", out["status"])
        metrics = out["metrics"]
        self.assertEqual([0.5, 0.75], metrics["accuracy"])
        self.assertEqual(0.01, metrics["lr"])
        self.assertEqual("resnet", metrics["model"])
        self.assertEqual([0.3, 0.2], metrics["losses"][:2])
        self.assertEqual({"cls": ["cat", "dog"], "f1": [0.5, 0.25]}, metrics["per_class"])
        self.assertEqual({"fpr": [0, 0.5, 1], "tpr": [0, 0.8, 1]}, metrics["roc"])
        self.assertEqual("images/confusion_0.png", metrics["confusion"])
        self.assertEqual({"quick": "", "kind": "baseline", "team": "ml"}, out["tags"])
        self.assertEqual({"framework": "none"}, out["properties"])
        self.assertEqual("Completed", out["child_status"])
        self.assertEqual(2, len(out["children"]))
        self.assertEqual("Running", out["details_status"])
        self.assertIn("outputs/model.txt", out["files"])
        self.assertIn("images/confusion_0.png", out["files"])
        self.assertEqual(4, len(out["recursive"]))

        stored = self.server.get_run(created["id"])
        self.assertEqual("Completed", stored["status"])
        self.assertEqual(5, [p["step"] for p in self.server.history(created["id"], "accuracy")["points"]][1])
        losses = self.server.history(created["id"], "losses")["points"][0]["value"]
        self.assertEqual("Infinity", losses[2])
        grandchild = self.server.get_run(out["grandchild"])
        self.assertEqual("Failed", grandchild["status"])
        self.assertIn("bad fold", grandchild["error"])
        self.assertEqual(self.server.get_run(out["child"])["parentRunId"], created["id"])
        status, data = self.server.api("GET", self.server.run_path(created["id"]) + "/artifacts/outputs/model.txt", raw=True)
        self.assertEqual((200, b"weights"), (status, data))

    def test_offline_v1_script(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOM_", "AZUREML_"))}
        env["PYTHONPATH"] = loomtest.CLIENT_DIR
        script = ("from azureml.core import Run\nimport json\nrun = Run.get_context()\n"
                  "run.log('acc', 0.5)\nrun.log('acc', float('-inf'))\nrun.log('one', 1)\n"
                  "print(json.dumps({'id': run.id, 'm': run.get_metrics(), 'exp': run.experiment.name}))\n"
                  "run.complete()\n")
        result = loomtest.run_script(script, env, cwd=folder)
        self.assertEqual(0, result.returncode, result.stderr)
        out = json.loads(result.stdout.replace("-Infinity", "\"-inf\""))
        self.assertTrue(out["id"].startswith("OfflineRun_"))
        self.assertEqual([0.5, "-inf"], out["m"]["acc"])
        self.assertEqual(1, out["m"]["one"])
        self.assertTrue(out["exp"])
        self.assertTrue(math.isfinite(out["m"]["one"]))


if __name__ == "__main__":
    unittest.main()
