"""Metrics against a real server: scalars, steps, batching, idempotent batches, NaN/Inf, lists,
rows, tables, images, and the cost of run.log."""

import datetime
import math
import os
import tempfile
import time
import unittest
import uuid

import loomtest

import loom
from loom._batcher import Batch


def _epoch(stamp):
    """Seconds since the epoch of an ISO-8601 UTC time ending in 'Z' (any fraction digits)."""
    whole, _, fraction = stamp.rstrip("Z").partition(".")
    moment = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp() + (float("0." + fraction) if fraction else 0.0)


def _experiment():
    return "pymetrics-" + uuid.uuid4().hex[:8]


class MetricsTest(loomtest.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.run = loom.start_run(experiment=_experiment())

    def test_scalar_steps_are_assigned_per_name(self):
        run = self.run
        for i in range(5):
            run.log("loss", 1.0 / (i + 1))
        run.log("acc", 0.5)
        run.log("acc", 0.75, step=10)
        run.log("acc", 0.8)
        run.log_metrics({"a": 1, "b": 2}, step=7)
        run.complete()
        loss = self.server.history(run.id, "loss")
        self.assertEqual("scalar", loss["kind"])
        self.assertEqual(5, loss["count"])
        self.assertEqual([0, 1, 2, 3, 4], [p["step"] for p in loss["points"]])
        self.assertEqual([1.0, 0.5], [p["value"] for p in loss["points"][:2]])
        acc = self.server.history(run.id, "acc")
        self.assertEqual([(0, 0.5), (10, 0.75), (2, 0.8)], [(p["step"], p["value"]) for p in acc["points"]])
        self.assertEqual(7, self.server.history(run.id, "a")["points"][0]["step"])
        for point in loss["points"]:
            self.assertRegex(point["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        latest = self.server.ok("GET", self.server.run_path(run.id) + "/metrics")
        self.assertEqual(0.75, latest["acc"]["value"])  # highest step wins
        self.assertEqual(0.2, latest["loss"]["value"])

    def test_client_timestamps_are_kept(self):
        before = time.time()
        self.run.log("t", 1)
        self.run.flush()
        time.sleep(1.2)
        self.run.log("t", 2)
        self.run.complete()
        first, second = (_epoch(p["timestamp"]) for p in self.server.history(self.run.id, "t")["points"])
        self.assertLess(abs(first - before), 0.5)
        self.assertGreaterEqual(second - first, 1.2)

    def test_nan_and_infinity_round_trip(self):
        run = self.run
        for value in (float("nan"), float("inf"), float("-inf"), 1.5):
            run.log("weird", value)
        run.log_list("weird_list", [1.0, float("nan"), float("-inf")])
        run.complete()
        points = self.server.history(run.id, "weird")["points"]
        self.assertEqual(["NaN", "Infinity", "-Infinity", 1.5], [p["value"] for p in points])
        values = [p["value"] for p in run.get_metric_history("weird")]
        self.assertTrue(math.isnan(values[0]))
        self.assertEqual([math.inf, -math.inf, 1.5], values[1:])
        latest = run.get_metrics()
        self.assertEqual(1.5, latest["weird"])
        self.assertTrue(math.isnan(latest["weird_list"][1]))
        self.assertEqual(-math.inf, latest["weird_list"][2])
        stored = self.server.history(run.id, "weird_list")["points"][0]["value"]
        self.assertEqual([1.0, "NaN", "-Infinity"], stored)

    def test_list_row_table_metrics(self):
        run = self.run
        run.log_list("accuracies", [0.1, 0.5, 0.9])
        run.log_row("per_class", cls="cat", precision=0.9)
        run.log_row("per_class", cls="dog", precision=0.8)
        run.log_table("cm", {"x": [1, 2, 3], "y": [0.5, 0.25, 0.125]})
        run.complete()
        latest = self.server.ok("GET", self.server.run_path(run.id) + "/metrics")
        self.assertEqual("list", latest["accuracies"]["kind"])
        self.assertEqual([0.1, 0.5, 0.9], latest["accuracies"]["value"])
        self.assertEqual("table", latest["cm"]["kind"])
        self.assertEqual({"x": [1, 2, 3], "y": [0.5, 0.25, 0.125]}, latest["cm"]["value"])
        rows = self.server.history(run.id, "per_class")
        self.assertEqual("row", rows["kind"])
        self.assertEqual([{"cls": "cat", "precision": 0.9}, {"cls": "dog", "precision": 0.8}],
                         [p["value"] for p in rows["points"]])
        self.assertEqual([0, 1], [p["step"] for p in rows["points"]])

    def test_kind_is_fixed_by_first_value(self):
        self.run.log("scalar_name", 1.0)
        with self.assertRaises(ValueError):
            self.run.log_list("scalar_name", [1, 2])
        with self.assertRaises(ValueError):
            self.run.log("", 1.0)
        self.run.complete()
        self.assertEqual(1, self.server.history(self.run.id, "scalar_name")["count"])

    def test_log_image_from_file_and_plot(self):
        run = self.run
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "chart.png")
        with open(path, "wb") as handle:
            handle.write(loomtest.png_bytes())

        class FakeFigure:  # matplotlib is not installed here; log_image only calls savefig
            def savefig(self, target, format=None):
                assert format == "png"
                target.write(loomtest.png_bytes(3, 3))

        first = run.log_image("sample image", path=path)
        second = run.log_image("sample image", plot=FakeFigure())
        run.complete()
        self.assertEqual("images/sample_image_0.png", first)
        self.assertEqual("images/sample_image_1.png", second)
        status, data = self.server.api("GET", self.server.run_path(run.id) + "/artifacts/" + first, raw=True)
        self.assertEqual(200, status)
        self.assertEqual(loomtest.png_bytes(), data)
        status, data = self.server.api("GET", self.server.run_path(run.id) + "/artifacts/" + second, raw=True)
        self.assertEqual(loomtest.png_bytes(3, 3), data)
        history = self.server.history(run.id, "sample image")
        self.assertEqual("image", history["kind"])
        self.assertEqual([{"path": first}, {"path": second}], [p["value"] for p in history["points"]])

    def test_many_points_go_in_several_batches(self):
        run = self.run
        for i in range(25_000):
            run.log("big", i)
        run.complete()
        history = self.server.history(run.id, "big")
        self.assertEqual(25_000, history["count"])
        self.assertEqual(list(range(25_000)), [p["step"] for p in history["points"]])
        self.assertEqual(list(range(25_000)), [p["value"] for p in history["points"]])
        sampled = self.server.history(run.id, "big", max_points=100)
        self.assertLessEqual(len(sampled["points"]), 100)

    def test_retried_batch_is_stored_once(self):
        run = self.run
        now = time.time()
        batch = Batch([("dup", float(i), i, now, None) for i in range(3)])  # as the sender cuts one
        client = loom.Client()
        client.post_metrics(run.id, batch.body(), batch.key, workspace="default")
        client.post_metrics(run.id, batch.body(), batch.key, workspace="default")  # lost answer, retried
        history = self.server.history(run.id, "dup")
        self.assertEqual(3, history["count"])
        with self.assertRaises(loom.UnprocessableEntityError) as caught:
            client.post_metrics(run.id, {"points": [{"name": "dup", "value": 9}]}, batch.key,
                                workspace="default")
        self.assertEqual("idempotency_key_reused", caught.exception.code)
        run.complete()

    def test_log_is_cheap(self):
        run = self.run
        best = 0.0
        for attempt in range(3):
            count = 100_000
            start = time.perf_counter()
            for i in range(count):
                run.log("speed", i)
            best = max(best, count / (time.perf_counter() - start))
        run.complete()
        self.assertGreaterEqual(best, 200_000, "run.log rate %.0f/s" % best)
        self.assertEqual(300_000, self.server.history(self.run.id, "speed", max_points=10)["count"])


if __name__ == "__main__":
    unittest.main()
