"""Durability: the server is SIGKILLed while a client streams 100,000 points, then restarted on the
same data folder and port. Every point must be stored exactly once, with steps 0..99999."""

import os
import select
import shutil
import subprocess
import tempfile
import time
import unittest

import loomtest

TOTAL = 100_000
GATE_AT = 60_000

# Logs TOTAL points with no explicit step. It pauses at GATE_AT until the test has killed the
# server (the gate file appears), so points are logged both before and during the outage.
CLIENT_SCRIPT = r"""
import os, sys, time
import loom

gate = sys.argv[1]
run = loom.start_run(experiment="durability", display_name="kill-9")
print(run.id, flush=True)
for i in range(%(total)d):
    run.log("x", i)
    if i %% 500 == 499:
        time.sleep(0.005)
    if i == %(gate)d:
        deadline = time.monotonic() + 90
        while not os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.01)
run.complete()
print("done", flush=True)
""" % {"total": TOTAL, "gate": GATE_AT}


class DurabilityTest(unittest.TestCase):
    def setUp(self):
        self.server = loomtest.LoomServer()
        self.addCleanup(self.server.cleanup)
        self.server.start()
        self.server.ensure_workspace("default")
        self.work = tempfile.mkdtemp(prefix="loom-durability-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def stored_count(self, run_id):
        status, body = self.server.api("GET", self.server.run_path(run_id) + "/metrics/x/history?maxPoints=2")
        return body["count"] if status == 200 else 0

    def test_kill_9_mid_stream_loses_and_duplicates_nothing(self):
        gate = os.path.join(self.work, "server-killed")
        env = self.server.env(LOOM_FLUSH_TIMEOUT=240, LOOM_HTTP_RETRY_TIMEOUT=120,
                              LOOM_METRICS_INTERVAL=0.2)
        client = subprocess.Popen([loomtest.PYTHON, "-c", CLIENT_SCRIPT, gate], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: client.poll() is None and client.kill())
        ready, _, _ = select.select([client.stdout], [], [], 60)
        self.assertTrue(ready, "client printed no run id within 60 s")
        run_id = client.stdout.readline().strip()
        self.assertTrue(run_id, client.stderr.read() if client.poll() is not None else "no run id")

        stored_before = loomtest.wait_until(lambda: self.stored_count(run_id), 60, 0.02,
                                            "the first points to be stored")
        self.server.kill()
        with open(gate, "w"):
            pass
        time.sleep(2.0)  # the client keeps logging and retrying while the server is down
        self.assertIsNone(client.poll(), "the client must keep running while the server is down")
        self.server.start()

        try:
            stdout, stderr = client.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            client.kill()
            stdout, stderr = client.communicate()
            self.fail("client did not finish within 300 s after the restart:\n" + stderr[-3000:])
        self.assertEqual(0, client.returncode, stderr[-3000:])
        self.assertIn("done", stdout)

        history = self.server.history(run_id, "x")
        steps = [p["step"] for p in history["points"]]
        self.assertEqual(TOTAL, history["count"], "stored %d points (had %d before the kill)"
                         % (history["count"], stored_before))
        self.assertEqual(TOTAL, len(steps))
        self.assertEqual(list(range(TOTAL)), sorted(steps), "each step 0..99999 exactly once")
        self.assertTrue(all(p["value"] == p["step"] for p in history["points"]))
        self.assertLess(stored_before, TOTAL, "the kill must happen mid-stream")
        self.assertEqual("Completed", self.server.get_run(run_id)["status"])


if __name__ == "__main__":
    unittest.main()
