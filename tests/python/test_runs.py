"""Runs through the client against a real server: create, params, tags, properties, children,
status changes, context-manager use, and the mapping of problem answers to exceptions."""

import unittest
import uuid

import loomtest

import loom


def _experiment():
    return "pyruns-" + uuid.uuid4().hex[:8]


class RunLifecycleTest(loomtest.ServerTestCase):
    def test_start_run_stores_params_tags_properties(self):
        run = loom.start_run(experiment=_experiment(), display_name="train",
                             tags={"stage": "dev"}, params={"lr": 0.1, "layers": 3})
        stored = self.server.get_run(run.id)
        self.assertEqual("Running", stored["status"])
        self.assertEqual("train", stored["displayName"])
        self.assertEqual({"lr": "0.1", "layers": "3"}, stored["params"])
        self.assertEqual({"stage": "dev"}, stored["tags"])

        run.log_params({"batch": 32})
        run.log_param("optimizer", "adam")
        run.log_params({"lr": 0.1})  # the same value again is fine
        run.set_tags({"stage": "prod", "team": "vision"})
        run.set_tag("owner", "ana")
        run.tag("flag")
        run.add_properties({"git.commit": "abc123"})
        run.remove_tags(["team"])

        stored = self.server.get_run(run.id)
        self.assertEqual({"lr": "0.1", "layers": "3", "batch": "32", "optimizer": "adam"}, stored["params"])
        self.assertEqual({"stage": "prod", "owner": "ana", "flag": ""}, stored["tags"])
        self.assertEqual({"git.commit": "abc123"}, stored["properties"])
        self.assertEqual(stored["params"], run.get_params())
        self.assertEqual(stored["tags"], run.get_tags())
        self.assertEqual(stored["properties"], run.get_properties())
        self.assertEqual("Running", run.get_status())
        run.complete()

    def test_complete_and_fail(self):
        run = loom.start_run(experiment=_experiment())
        run.log("loss", 0.5)
        run.complete()
        stored = self.server.get_run(run.id)
        self.assertEqual("Completed", stored["status"])
        self.assertIsNotNone(stored["endTime"])
        self.assertEqual("Completed", run.get_status())
        self.assertEqual(0.5, stored["metrics"]["loss"])

        failed = loom.start_run(experiment=_experiment())
        failed.fail("out of memory")
        stored = self.server.get_run(failed.id)
        self.assertEqual("Failed", stored["status"])
        self.assertIn("out of memory", stored["error"])

        canceled = loom.start_run(experiment=_experiment())
        canceled.cancel()
        self.assertIn(self.server.get_run(canceled.id)["status"], ("Canceled", "CancelRequested"))

    def test_finished_run_cannot_change_status(self):
        run = loom.start_run(experiment=_experiment())
        run.complete()
        with self.assertRaises(loom.ConflictError) as caught:
            run.fail("too late")
        self.assertEqual(409, caught.exception.status)
        self.assertEqual("invalid_status_transition", caught.exception.code)

    def test_context_manager_completes_or_fails(self):
        with loom.start_run(experiment=_experiment()) as run:
            run.log("acc", 0.9)
        self.assertEqual("Completed", self.server.get_run(run.id)["status"])

        with self.assertRaises(ZeroDivisionError):
            with loom.start_run(experiment=_experiment()) as failing:
                failing.log("acc", 0.1)
                1 / 0
        stored = self.server.get_run(failing.id)
        self.assertEqual("Failed", stored["status"])
        self.assertIn("division by zero", stored["error"])
        self.assertEqual(0.1, stored["metrics"]["acc"])

    def test_child_runs_any_depth(self):
        experiment = _experiment()
        root = loom.start_run(experiment=experiment, display_name="root")
        level1 = root.child_run("level1")
        level2 = level1.child_run("level2")
        level3 = loom.start_run(parent=level2, display_name="level3")
        level3b = loom.start_run(parent=level2.id, display_name="level3b")
        for run, parent, name in ((level1, root, "level1"), (level2, level1, "level2"),
                                  (level3, level2, "level3"), (level3b, level2, "level3b")):
            stored = self.server.get_run(run.id)
            self.assertEqual(parent.id, stored["parentRunId"])
            self.assertEqual(root.id, stored["rootRunId"])
            self.assertEqual(experiment, stored["experiment"])
            self.assertEqual(name, stored["displayName"])
            self.assertEqual(parent.id, run.parent_id)
        level3.log("depth", 3)
        for run in (level3b, level3, level2, level1, root):
            run.complete()
        self.assertEqual(3, self.server.get_run(level3.id)["metrics"]["depth"])
        children = self.server.ok("GET", self.server.run_path(level2.id) + "/children")["value"]
        self.assertEqual([level3.id, level3b.id], [c["id"] for c in children])
        self.assertEqual([level3.id, level3b.id], [c.id for c in level2.get_children()])
        self.assertEqual("Completed", self.server.get_run(level3.id)["status"])

    def test_get_run_attaches_without_creating(self):
        run = loom.start_run(experiment=_experiment())
        again = loom.get_run(run.id)
        self.assertEqual(run.id, again.id)
        again.log("x", 1)
        run.log("x", 2)  # same process, same run: steps continue across both objects
        run.complete()
        steps = [p["step"] for p in self.server.history(run.id, "x")["points"]]
        self.assertEqual([0, 1], steps)
        experiment = self.server.ok("GET", self.server.ws_path() + "/experiments/" + run.experiment_name)
        self.assertEqual(1, experiment["runCount"])


class ErrorMappingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = loomtest.shared_server()

    def test_bad_token_is_unauthorized(self):
        with loomtest.client_env(self.server, LOOM_TOKEN="not-a-real-token"):
            with self.assertRaises(loom.UnauthorizedError) as caught:
                loom.start_run(experiment=_experiment())
        self.assertEqual(401, caught.exception.status)
        self.assertEqual("unauthorized", caught.exception.code)
        self.assertIsInstance(caught.exception, loom.LoomError)

    def test_unknown_run_is_not_found(self):
        with loomtest.client_env(self.server):
            with self.assertRaises(loom.NotFoundError) as caught:
                loom.get_run("no_such_run_123")
        self.assertEqual(404, caught.exception.status)
        self.assertEqual("run_not_found", caught.exception.code)

    def test_changing_a_param_is_a_conflict(self):
        with loomtest.client_env(self.server):
            run = loom.start_run(experiment=_experiment(), params={"lr": 0.1})
            with self.assertRaises(loom.ConflictError) as caught:
                run.log_param("lr", 0.2)
            self.assertEqual("param_immutable", caught.exception.code)
            run.add_properties({"p": "1"})
            with self.assertRaises(loom.ConflictError) as caught:
                run.add_properties({"p": "2"})
            self.assertEqual("property_immutable", caught.exception.code)
            run.complete()

    def test_invalid_experiment_name_is_bad_request(self):
        with loomtest.client_env(self.server):
            with self.assertRaises(loom.BadRequestError) as caught:
                loom.start_run(experiment="bad name/with slash")
        self.assertEqual(400, caught.exception.status)
        self.assertEqual("invalid_name", caught.exception.code)

    def test_reader_token_is_forbidden_to_write(self):
        created = self.server.ok("POST", "/api/v1/tokens",
                                 {"name": "reader-" + uuid.uuid4().hex[:6], "workspace": "default",
                                  "role": "Reader"})
        with loomtest.client_env(self.server, LOOM_TOKEN=created["token"]):
            with self.assertRaises(loom.ForbiddenError) as caught:
                loom.start_run(experiment=_experiment())
        self.assertEqual(403, caught.exception.status)
        self.assertEqual("forbidden", caught.exception.code)

    def test_unreachable_server_is_a_connection_error(self):
        client = loom.Client("http://127.0.0.1:%d" % loomtest.free_port(), "token", retry_for=0.5)
        with self.assertRaises(loom.LoomConnectionError) as caught:
            client.get_run("anything", "default")
        self.assertIsNone(caught.exception.status)


if __name__ == "__main__":
    unittest.main()
