"""loom.submit and the run it returns, against a real server (no agent: submitted runs stay Queued
unless canceled; waiting and log streaming are exercised on runs whose logs the test writes)."""

import contextlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unittest
import uuid

import loomtest

import loom
from loom._http import close_thread_connections


def git(root, *args):
    """Runs git in ``root``; any failure fails the test."""
    result = subprocess.run(["git", "-c", "user.name=Loom Test", "-c", "user.email=test@loom.invalid"] + list(args),
                            cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=60)
    if result.returncode != 0:
        raise AssertionError("git %s: %s" % (" ".join(args), result.stderr.decode("utf-8", "replace")))
    return result.stdout.decode("utf-8").strip()


def make_source(files, repository=True):
    """A temporary source folder with ``files``, committed to a new git repository on ``main``."""
    root = os.path.realpath(tempfile.mkdtemp(prefix="loom-submit-src-"))
    for path, content in files.items():
        full = os.path.join(root, *path.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as handle:
            handle.write(content)
    if repository:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "source")
    return root


SOURCE = {
    "train.py": "print('training')\n",
    "pkg/util.py": "VALUE = 1\n",
    "debug.log": "left out by .gitignore\n",
    "ignored.py": "print('left out')\n",
    ".gitignore": "*.log\nignored.py\n",
}


class SubmitTestBase(loomtest.ServerTestCase):
    compute = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An attached target: no agent serves it, so runs submitted to it stay Queued.
        cls.compute = "pysubmit-" + uuid.uuid4().hex[:8]
        cls.server.ok("POST", cls.server.ws_path() + "/computes",
                      {"name": cls.compute, "type": "attached", "maxNodes": 2})

    def setUp(self):
        super().setUp()
        self.folder = make_source(SOURCE)
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.cache = tempfile.mkdtemp(prefix="loom-submit-cache-")
        self.addCleanup(shutil.rmtree, self.cache, True)
        self.experiment = "pysubmit-" + uuid.uuid4().hex[:8]

    def submit(self, **kwargs):
        source = kwargs.pop("source_directory", self.folder)
        args = dict(script="train.py", compute=self.compute, experiment=self.experiment,
                    snapshot_cache_dir=self.cache)
        args.update(kwargs)
        run = loom.submit(source, **args)
        self.addCleanup(self._cancel_quietly, run.id)
        return run

    def _cancel_quietly(self, run_id):
        # Leaves no queued job behind for later tests (a finished run answers 409).
        self.server.api("POST", self.server.run_path(run_id) + "/cancel")

    def job(self, run_id):
        return self.server.ok("GET", self.server.run_path(run_id) + "/job")

    def experiment_runs(self):
        status, body = self.server.api("GET", self.server.ws_path() + "/runs?experiment=" + self.experiment)
        return body["value"] if status == 200 else []


class SubmitTest(SubmitTestBase):
    def test_submit_queues_a_run_of_the_snapshot_with_git_properties(self):
        head = git(self.folder, "rev-parse", "HEAD")
        run = self.submit(arguments=["--c", 0.5, 3], tags={"stage": "dev", "n": 1},
                          display_name="first", description="a submitted run")
        self.assertIsInstance(run, loom.Run)
        self.assertEqual("Queued", run.get_status())

        stored = self.server.get_run(run.id)
        self.assertEqual(("Queued", self.experiment, "first"), (stored["status"], stored["experiment"], stored["displayName"]))
        self.assertEqual({"stage": "dev", "n": "1"}, stored["tags"])
        props = stored["properties"]
        self.assertEqual(self.compute, props["loom.compute"])
        self.assertEqual("system:1", props["loom.environment"])
        self.assertEqual("train.py", props["loom.script"])
        self.assertEqual(head, props["azureml.git.commit"])
        self.assertEqual("main", props["azureml.git.branch"])
        self.assertEqual("false", props["azureml.git.dirty"])
        self.assertEqual(self.folder, props["azureml.git.repository_uri"])
        self.assertEqual(head, props["mlflow.source.git.commit"])

        manifest = self.server.ok("GET", self.server.ws_path() + "/snapshots/" + props["loom.snapshotId"])
        self.assertEqual([".gitignore", "pkg/util.py", "train.py"], [e["path"] for e in manifest["entries"]])
        job = self.job(run.id)
        self.assertEqual(["--c", "0.5", "3"], job["arguments"])
        self.assertEqual((props["loom.snapshotId"], "train.py", 1, 1), (job["snapshotId"], job["script"], job["nodeCount"], job["processCountPerNode"]))

    def test_same_folder_same_snapshot_and_a_change_is_dirty(self):
        first = self.submit()
        second = self.submit()
        self.assertNotEqual(first.id, second.id)
        snapshot = self.server.get_run(first.id)["properties"]["loom.snapshotId"]
        self.assertEqual(snapshot, self.server.get_run(second.id)["properties"]["loom.snapshotId"])

        with open(os.path.join(self.folder, "train.py"), "a", encoding="utf-8") as handle:
            handle.write("print('changed')\n")
        third = self.server.get_run(self.submit().id)["properties"]
        self.assertNotEqual(snapshot, third["loom.snapshotId"])
        self.assertEqual("true", third["azureml.git.dirty"])

    def test_folder_outside_git_has_no_git_properties(self):
        folder = make_source({"main.py": "print(1)\n"}, repository=False)
        self.addCleanup(shutil.rmtree, folder, True)
        run = self.submit(source_directory=folder, script="main.py", properties={"owner": "me"})
        props = self.server.get_run(run.id)["properties"]
        self.assertFalse([k for k in props if ".git." in k], props)
        self.assertEqual("me", props["owner"])

    def test_script_in_a_subfolder_and_a_command(self):
        run = self.submit(script="./pkg/util.py")
        self.assertEqual("pkg/util.py", self.server.get_run(run.id)["properties"]["loom.script"])
        run = self.submit(script=None, command="python3 -c 'print(1)'", arguments=["x"])
        job = self.job(run.id)
        self.assertEqual(("python3 -c 'print(1)'", None, ["x"]), (job["command"], job["script"], job["arguments"]))
        self.assertEqual("python3 -c 'print(1)'", self.server.get_run(run.id)["properties"]["loom.command"])

    def test_environment_by_name_version_or_definition(self):
        name = "pysubmit-env-" + uuid.uuid4().hex[:6]
        run = self.submit(environment={"name": name, "python": {"requirements": ["numpy"],
                                                                "systemSitePackages": True}})
        self.assertEqual(name + ":1", self.server.get_run(run.id)["properties"]["loom.environment"])
        stored = self.server.ok("GET", self.server.ws_path() + "/environments/" + name)
        self.assertEqual((["numpy"], True), (stored["python"]["requirements"], stored["python"]["systemSitePackages"]))
        for reference in (name, name + ":1", name + "@latest"):
            run = self.submit(environment=reference)
            self.assertEqual(name + ":1", self.server.get_run(run.id)["properties"]["loom.environment"])

    def test_distributed_layout_and_main_log(self):
        run = self.submit(node_count=2, process_count_per_node=2, distribution="pytorch", max_duration_seconds=600)
        job = self.job(run.id)
        self.assertEqual((2, 2, "pytorch", 600), (job["nodeCount"], job["processCountPerNode"], job["distribution"],
                                                  job["maxDurationSeconds"]))
        from loom import _wait
        self.assertEqual("std_log_process_0.txt", _wait.main_log(run))
        self.assertEqual("std_log_process_0.txt", _wait.main_log(loom.get_run(run.id)))
        self.assertEqual("std_log.txt", _wait.main_log(self.submit()))

    def test_submit_request_with_the_same_idempotency_key_queues_one_run(self):
        snapshot = loom.snapshot.create(self.folder, cache_dir=self.cache)
        client = loom.Client()
        body = {"experiment": self.experiment, "snapshotId": snapshot["id"], "compute": self.compute,
                "script": "train.py"}
        key = str(uuid.uuid4())
        first = client.submit_run(body, idempotency_key=key)
        self.addCleanup(self._cancel_quietly, first["id"])
        self.assertEqual(first["id"], client.submit_run(body, idempotency_key=key)["id"])
        self.assertEqual([first["id"]], [r["id"] for r in self.experiment_runs()])


class SubmitErrorsTest(SubmitTestBase):
    def test_missing_or_ignored_script_fails_before_anything_is_queued(self):
        cases = [("nope.py", "is not a file in"), ("../train.py", "is not inside"), ("ignored.py", "ignore rules")]
        for script, message in cases:
            with self.subTest(script=script):
                with self.assertRaises(FileNotFoundError) as caught:
                    self.submit(script=script)
                self.assertIn(message, str(caught.exception))
                self.assertIn(script, str(caught.exception))
        with self.assertRaises(FileNotFoundError):
            self.submit(source_directory=os.path.join(self.folder, "missing"))
        self.assertEqual([], self.experiment_runs())

    def test_bad_arguments_are_value_errors(self):
        for kwargs in ({"script": None}, {"command": "echo hi"}, {"distribution": "horovod"},
                       {"node_count": 0}, {"max_duration_seconds": 1.5}, {"experiment": None}):
            with self.subTest(kwargs=kwargs):
                with self.assertRaises(ValueError):
                    self.submit(**kwargs)
        self.assertEqual([], self.experiment_runs())

    def test_what_the_server_refuses_has_its_code(self):
        cases = [({"compute": "no-such-compute"}, loom.NotFoundError, "compute_not_found"),
                 ({"environment": "no-such-env"}, loom.NotFoundError, "environment_not_found"),
                 ({"compute": None}, loom.BadRequestError, "invalid_submission"),
                 ({"node_count": 3}, loom.BadRequestError, "invalid_submission")]
        for kwargs, error, code in cases:
            with self.subTest(kwargs=kwargs):
                with self.assertRaises(error) as caught:
                    self.submit(**kwargs)
                self.assertEqual(code, caught.exception.code)
        self.assertIn("no-such-compute", str(self.last_error(compute="no-such-compute")))
        self.assertEqual([], self.experiment_runs())

    def last_error(self, **kwargs):
        try:
            self.submit(**kwargs)
        except loom.LoomError as error:
            return error
        raise AssertionError("submit did not fail")


class WaitTest(SubmitTestBase):
    def test_cancel_a_queued_run_then_wait_raises(self):
        run = self.submit()
        run.cancel()
        self.assertEqual("Canceled", run.get_status())
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            with self.assertRaises(loom.RunFailedError) as caught:
                run.wait_for_completion(show_output=True, timeout=60)
        self.assertEqual((run.id, "Canceled"), (caught.exception.run_id, caught.exception.run_status))
        self.assertIn("Streaming std_log.txt", output.getvalue())
        self.assertIn("Status: Canceled", output.getvalue())
        doc = run.wait_for_completion(raise_on_error=False, timeout=60)
        self.assertEqual("Canceled", doc["status"])

    def test_wait_is_bounded_by_its_timeout(self):
        run = self.submit()
        with self.assertRaises(TimeoutError):
            run.wait_for_completion(timeout=1.5)

    def log(self, run_id, file, data, offset):
        self.server.ok("POST", self.server.run_path(run_id) + "/logs/" + file + "?offset=%d" % offset, data)

    def test_show_output_streams_the_log_as_it_grows(self):
        run = loom.start_run(experiment=self.experiment)
        output, result = io.StringIO(), {}

        def waiter():
            try:
                result["doc"] = run.wait_for_completion(show_output=True, timeout=120)
            except BaseException as error:  # reported by the main thread
                result["error"] = error
            finally:
                close_thread_connections()
        with contextlib.redirect_stdout(output):
            thread = threading.Thread(target=waiter, daemon=True)
            thread.start()
            self.log(run.id, "std_log.txt", b"first line\n", 0)
            loomtest.wait_until(lambda: "first line\n" in output.getvalue(), 60, message="the first line printed")
            # A character cut in two between chunks comes out whole.
            self.log(run.id, "std_log.txt", b"h\xc3", 11)
            self.log(run.id, "std_log.txt", b"\xa9llo\n", 13)
            self.log(run.id, "std_log.txt", b"no newline", 18)
            run.complete()
            thread.join(120)
        self.assertFalse(thread.is_alive(), "wait_for_completion did not return")
        self.assertNotIn("error", result, result.get("error"))
        text = output.getvalue()
        self.assertEqual("Completed", result["doc"]["status"])
        self.assertIn("RunId: %s\n\nStreaming std_log.txt\n" % run.id, text)
        self.assertIn("first line\nh\u00e9llo\nno newline\n\nExecution Summary\n", text)
        self.assertIn("Status: Completed\n", text)

    def test_failed_run_raises_with_its_error(self):
        run = loom.start_run(experiment=self.experiment)
        self.log(run.id, "std_log.txt", b"Traceback: boom\n", 0)
        run.fail("exit code 3")
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            with self.assertRaises(loom.RunFailedError) as caught:
                run.wait_for_completion(show_output=True, timeout=60)
        self.assertEqual("exit code 3", caught.exception.error)
        self.assertIn("exit code 3", str(caught.exception))
        self.assertIn("Traceback: boom\n", output.getvalue())
        self.assertIn("Error: exit code 3", output.getvalue())

    def test_download_files_keeps_paths(self):
        run = loom.start_run(experiment=self.experiment)
        run.upload_file("outputs/model.json", io.BytesIO(b"{}"))
        run.upload_file("outputs/sub/notes.txt", io.BytesIO(b"notes"))
        run.upload_file("logs/other.txt", io.BytesIO(b"other"))
        run.complete()
        target = tempfile.mkdtemp(prefix="loom-download-")
        self.addCleanup(shutil.rmtree, target, True)
        written = run.download_files(prefix="outputs/", output_directory=target)
        self.assertEqual(2, len(written))
        with open(os.path.join(target, "outputs", "sub", "notes.txt"), "rb") as handle:
            self.assertEqual(b"notes", handle.read())
        self.assertFalse(os.path.exists(os.path.join(target, "logs")))
        self.assertEqual("Completed", run.wait_for_completion(timeout=60)["status"])


class ComputeAndEnvironmentClientTest(loomtest.ServerTestCase):
    def test_compute_targets(self):
        client = loom.Client()
        name = "pycompute-" + uuid.uuid4().hex[:8]
        created = client.create_compute(name, "attached", max_nodes=3, tags={"team": "a"})
        self.assertEqual(("attached", 3, {"team": "a"}), (created["type"], created["maxNodes"], created["tags"]))
        self.assertIn(name, [c["name"] for c in client.list_computes()])
        self.assertEqual(name, client.get_compute(name)["name"])
        with self.assertRaises(loom.ConflictError):
            client.create_compute(name, "attached")
        client.delete_compute(name)
        with self.assertRaises(loom.NotFoundError) as caught:
            client.get_compute(name)
        self.assertEqual("compute_not_found", caught.exception.code)

    def test_environments(self):
        client = loom.Client()
        name = "pyenv-" + uuid.uuid4().hex[:8]
        first = client.create_environment(name, python={"requirements": ["numpy"]}, variables={"A": "1"})
        self.assertEqual(1, first["version"])
        self.assertEqual(1, client.create_environment(name, python={"requirements": ["numpy"]}, variables={"A": "1"})["version"])
        second = client.create_environment(name, python={"requirements": ["numpy", "scipy"]})
        self.assertEqual(2, second["version"])
        self.assertEqual(2, client.get_environment(name)["version"])
        self.assertEqual(["numpy"], client.get_environment(name, 1)["python"]["requirements"])
        self.assertEqual([1, 2], [v["version"] for v in client.list_environment_versions(name)])
        listed = client.list_environments()
        self.assertEqual("system", listed[0]["name"])
        self.assertIn(name, [e["name"] for e in listed])
        with self.assertRaises(loom.NotFoundError):
            client.get_environment(name, 9)
        with self.assertRaises(loom.BadRequestError) as caught:
            client.create_environment(name, python={"requirements": ["-r other.txt"]})
        self.assertEqual("invalid_environment", caught.exception.code)


if __name__ == "__main__":
    unittest.main()
