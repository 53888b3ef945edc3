"""The serving worker (loom._serving.worker) and the bundled inference_schema decorators, without a server:
the worker is started as the host starts it and driven over its pipes with the host's framing."""

import json
import os
import struct
import subprocess
import sys
import tempfile
import textwrap
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIENT_DIR = os.path.join(REPO, "clients", "python")
if CLIENT_DIR not in sys.path:
    sys.path.insert(0, CLIENT_DIR)

from inference_schema import schema_util  # noqa: E402
from inference_schema.parameter_types.pandas_parameter_type import PandasParameterType  # noqa: E402
from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType  # noqa: E402
from inference_schema.schema_decorators import input_schema, output_schema  # noqa: E402
from loom._serving import worker  # noqa: E402

TIMEOUT = 60


class Worker:
    """A worker process on a script, with the host's side of the protocol."""

    def __init__(self, script, folder, **variables):
        path = os.path.join(folder, "score.py")
        with open(path, "w") as handle:
            handle.write(textwrap.dedent(script))
        env = dict(os.environ, PYTHONPATH=CLIENT_DIR, LOOM_ENTRY_SCRIPT=path, PYTHONUNBUFFERED="1", **variables)
        self.process = subprocess.Popen([sys.executable, "-u", "-m", "loom._serving.worker"], cwd=folder, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def frame(self):
        header = self.process.stdout.read(4)
        if len(header) < 4:
            return None
        (length,) = struct.unpack(">I", header)
        return self.process.stdout.read(length)

    def score(self, body):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.process.stdin.write(struct.pack(">I", len(data)) + data)
        self.process.stdin.flush()
        return self.frame()

    def close(self):
        self.process.stdin.close()
        code = self.process.wait(TIMEOUT)
        errors = self.process.stderr.read().decode("utf-8")
        self.process.stdout.close()
        self.process.stderr.close()
        return code, errors


class WorkerProtocolTests(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="loom-worker-")

    def start(self, script, **variables):
        started = Worker(script, self.folder, **variables)
        self.addCleanup(lambda: started.process.poll() is None and started.process.kill())
        return started

    def test_ready_then_responses_errors_and_prints_on_stderr(self):
        started = self.start("""
            import json
            def init():
                print("init output")
            def run(raw_data):
                print("run got", raw_data)
                if raw_data == "raise":
                    raise KeyError("missing")
                if raw_data == "bytes":
                    return b"\\x00raw"
                if raw_data == "text":
                    return "text"
                return {"echo": json.loads(raw_data), "unicode": "é"}
            """)
        ready = started.frame()
        self.assertEqual(worker.READY, ready[0])
        self.assertEqual({"schema": None, "sample": None}, json.loads(ready[1:]))

        ok = started.score('{"a": 1}')
        self.assertEqual(bytes((worker.RESPONSE, worker.FORMAT_JSON)), ok[:2])
        self.assertEqual({"echo": {"a": 1}, "unicode": "é"}, json.loads(ok[2:].decode("utf-8")))
        self.assertEqual(bytes((worker.RESPONSE, worker.FORMAT_BYTES)) + b"\x00raw", started.score("bytes"))
        self.assertEqual(bytes((worker.RESPONSE, worker.FORMAT_TEXT)) + b"text", started.score("text"))

        raised = started.score("raise")
        self.assertEqual(worker.RUN_RAISED, raised[0])
        text = raised[1:].decode("utf-8")
        self.assertTrue(text.startswith("KeyError: 'missing'\nTraceback (most recent call last):"), text)
        # The worker keeps serving after run() raised.
        self.assertEqual(worker.RESPONSE, started.score("{}")[0])

        code, errors = started.close()
        self.assertEqual(0, code)
        self.assertIn("init output", errors)
        self.assertIn("run got raise", errors)

    def test_init_failure_sends_the_traceback_and_exits_3(self):
        started = self.start("""
            def init():
                raise RuntimeError("no model")
            def run(raw_data):
                return raw_data
            """)
        failed = started.frame()
        self.assertEqual(worker.INIT_FAILED, failed[0])
        self.assertIn("RuntimeError: no model", failed[1:].decode("utf-8"))
        self.assertIn("in init", failed[1:].decode("utf-8"))
        self.assertEqual(worker.INIT_FAILED_EXIT, started.close()[0])

    def test_numpy_results_become_lists_and_numbers(self):
        started = self.start("""
            import numpy as np
            def init():
                pass
            def run(raw_data):
                return {"array": np.arange(3), "scalar": np.float32(1.5), "matrix": np.eye(2, dtype=np.int64)}
            """)
        self.assertEqual(worker.READY, started.frame()[0])
        reply = started.score("x")
        self.assertEqual({"array": [0, 1, 2], "scalar": 1.5, "matrix": [[1, 0], [0, 1]]}, json.loads(reply[2:]))
        started.close()

    def test_nan_and_infinity_become_null_in_strict_json(self):
        started = self.start("""
            import numpy as np
            def init():
                pass
            def run(raw_data):
                if raw_data == "numpy":
                    return {"array": np.array([1.0, np.nan, np.inf]), "scalar": np.float64("-inf"), "ints": np.arange(2)}
                if raw_data == "circular":
                    loop = []
                    loop.append(loop)
                    return loop
                return {"nan": float("nan"), "nested": [[float("inf"), 1.5], (float("-inf"),)], float("nan"): 1, "ok": True}
            """)
        self.assertEqual(worker.READY, started.frame()[0])
        reply = started.score("plain")
        self.assertEqual(bytes((worker.RESPONSE, worker.FORMAT_JSON)), reply[:2])
        text = reply[2:].decode("utf-8")
        self.assertNotIn("NaN", text)
        self.assertNotIn("Infinity", text)
        strict = json.loads(text, parse_constant=lambda name: self.fail("non-standard JSON constant " + name))
        self.assertEqual({"nan": None, "nested": [[None, 1.5], [None]], "null": 1, "ok": True}, strict)
        reply = started.score("numpy")
        strict = json.loads(reply[2:], parse_constant=lambda name: self.fail("non-standard JSON constant " + name))
        self.assertEqual({"array": [1.0, None, None], "scalar": None, "ints": [0, 1]}, strict)
        # A structure json cannot encode at all is still run's error, not the worker's.
        circular = started.score("circular")
        self.assertEqual(worker.RUN_RAISED, circular[0])
        self.assertTrue(circular[1:].decode("utf-8").startswith("ValueError: Circular reference detected"), circular[1:200])
        self.assertEqual(worker.RESPONSE, started.score("plain")[0])
        started.close()

    def test_a_nan_in_the_declared_sample_is_null_in_the_ready_frame(self):
        started = self.start("""
            from inference_schema.schema_decorators import input_schema
            from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
            def init():
                pass
            @input_schema("data", StandardPythonParameterType({"value": float("nan"), "limit": float("inf")}))
            def run(data):
                return data
            """)
        ready = started.frame()
        self.assertEqual(worker.READY, ready[0])
        fields = json.loads(ready[1:], parse_constant=lambda name: self.fail("non-standard JSON constant " + name))
        self.assertEqual({"data": {"value": None, "limit": None}}, fields["sample"])
        started.close()

    def test_a_response_over_the_limit_is_a_run_error_and_the_worker_keeps_serving(self):
        started = self.start("""
            def init():
                pass
            def run(raw_data):
                if raw_data == "big":
                    return "x" * 5000
                if raw_data == "huge-error":
                    raise ValueError("y" * 5000)
                return "x" * 1000
            """, LOOM_MAX_RESPONSE_BYTES="1000")
        self.assertEqual(worker.READY, started.frame()[0])
        self.assertEqual(bytes((worker.RESPONSE, worker.FORMAT_TEXT)) + b"x" * 1000, started.score("fits"))
        big = started.score("big")
        self.assertEqual(worker.RUN_RAISED, big[0])
        self.assertTrue(big[1:].decode("utf-8").startswith(
            "ResponseTooLargeError: the response is 5000 bytes, more than the deployment's limit of 1000 bytes"), big[1:200])
        # An error text is cut to the limit too: no frame is longer than the host takes.
        huge = started.score("huge-error")
        self.assertEqual(worker.RUN_RAISED, huge[0])
        self.assertLessEqual(len(huge) - 1, 1000)
        self.assertTrue(huge[1:].decode("utf-8").startswith("ValueError: yyy"))
        self.assertEqual(worker.RESPONSE, started.score("fits")[0])
        self.assertEqual(0, started.close()[0])

    def test_input_a_decorated_run_cannot_take_is_invalid_input_and_the_worker_keeps_serving(self):
        started = self.start("""
            import os
            import numpy as np
            from inference_schema.schema_decorators import input_schema
            from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType
            from inference_schema.parameter_types.standard_py_parameter_type import StandardPythonParameterType
            def init():
                pass
            @input_schema("data", NumpyParameterType(np.array([[5.1, 3.5, 1.4, 0.2]])))
            @input_schema("scale", StandardPythonParameterType(1.0), optional=True)
            def run(data, scale=1.0):
                if scale < 0:
                    raise ValueError("scale must not be negative")
                return {"sum": data.sum(axis=1) * scale, "pid": os.getpid()}
            """)
        self.assertEqual(worker.READY, started.frame()[0])
        good = started.score('{"data": [[1, 2, 3, 4]]}')
        self.assertEqual(bytes((worker.RESPONSE, worker.FORMAT_JSON)), good[:2])
        pid = json.loads(good[2:])["pid"]

        def invalid(body):
            reply = started.score(body)
            self.assertEqual(worker.INVALID_INPUT, reply[0], reply[:200])
            return reply[1:].decode("utf-8")

        self.assertIn("is not JSON", invalid("data=1,2,3,4"))
        self.assertIn("is not UTF-8", invalid(b'{"data": "\xff"}'))
        self.assertEqual("the request body is a JSON list, not an object of run()'s inputs", invalid("[[1, 2, 3, 4]]"))
        self.assertIn("missing a required argument: 'data'", invalid('{"scale": 2}'))
        self.assertIn("unexpected keyword argument 'other'", invalid('{"data": [[1, 2, 3, 4]], "other": 1}'))
        self.assertEqual("data: expected a list of rows of 4 numbers each, got 1 row(s) of 2", invalid('{"data": [[1, 2]]}'))
        self.assertEqual("data: expected a list of rows of 4 numbers each (could not convert string to float: 'a')",
                         invalid('{"data": [["a", 2, 3, 4]]}'))
        self.assertEqual("scale: expected a number, got a string", invalid('{"data": [[1, 2, 3, 4]], "scale": "x"}'))
        self.assertTrue(len(invalid('{"data": "' + "x" * 10000 + '"}').encode("utf-8")) <= 4096)
        # What run() itself raises stays run's error.
        raised = started.score('{"data": [[1, 2, 3, 4]], "scale": -1}')
        self.assertEqual(worker.RUN_RAISED, raised[0])
        self.assertTrue(raised[1:].decode("utf-8").startswith("ValueError: scale must not be negative"))
        again = started.score('{"data": [[1, 1, 1, 1]], "scale": 2}')
        self.assertEqual({"sum": [8.0], "pid": pid}, json.loads(again[2:]))
        self.assertEqual(0, started.close()[0])

    def test_an_undecorated_run_gets_any_body_as_text(self):
        started = self.start("""
            def init():
                pass
            def run(raw_data):
                return "got " + raw_data
            """)
        self.assertEqual(worker.READY, started.frame()[0])
        self.assertEqual(bytes((worker.RESPONSE, worker.FORMAT_TEXT)) + b"got not json", started.score("not json"))
        started.close()

    def test_the_limit_keeps_every_length_within_the_frame_header(self):
        self.assertEqual((1 << 32) - 3, worker._MAX_BODY)
        old = os.environ.get("LOOM_MAX_RESPONSE_BYTES")
        try:
            os.environ["LOOM_MAX_RESPONSE_BYTES"] = str(1 << 40)
            self.assertEqual(worker._MAX_BODY, worker.max_response_bytes())
            os.environ["LOOM_MAX_RESPONSE_BYTES"] = "nonsense"
            self.assertEqual(worker.DEFAULT_MAX_RESPONSE_BYTES, worker.max_response_bytes())
        finally:
            if old is None:
                os.environ.pop("LOOM_MAX_RESPONSE_BYTES", None)
            else:
                os.environ["LOOM_MAX_RESPONSE_BYTES"] = old


class DecoratorTests(unittest.TestCase):
    def test_standard_types_describe_and_pass_values(self):
        @input_schema("payload", StandardPythonParameterType({"name": "a", "count": 1, "ratio": 0.5, "ok": True}))
        @output_schema(StandardPythonParameterType(["x"]))
        def run(payload):
            return [payload["name"]] * payload["count"]

        described = schema_util.describe(run)
        self.assertEqual({"payload": {"name": "a", "count": 1, "ratio": 0.5, "ok": True}}, described["sample"])
        properties = described["schema"]["input"]["properties"]["payload"]["properties"]
        self.assertEqual({"type": "integer", "format": "int64"}, properties["count"])
        self.assertEqual({"type": "number", "format": "double"}, properties["ratio"])
        self.assertEqual({"type": "boolean"}, properties["ok"])
        self.assertEqual("array", described["schema"]["output"]["type"])
        self.assertEqual(["b", "b"], run(payload={"name": "b", "count": 2}))
        self.assertEqual(["c"], run({"name": "c", "count": 1}))

    def test_numpy_input_is_converted_and_shape_checked(self):
        import numpy as np
        from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType

        @input_schema("data", NumpyParameterType(np.array([[1.0, 2.0]])))
        def run(data):
            return data

        converted = run(data=[[3, 4], [5, 6]])
        self.assertIsInstance(converted, np.ndarray)
        self.assertEqual(np.float64, converted.dtype)
        with self.assertRaises(ValueError):
            run(data=[[1, 2, 3]])
        schema = schema_util.get_input_schema(run)["properties"]["data"]
        self.assertEqual("numpy.ndarray", schema["format"])
        self.assertEqual({"type": "number", "format": "double"}, schema["items"]["items"])

    def test_conversion_errors_name_the_input_and_say_what_was_expected(self):
        import numpy as np
        from inference_schema.errors import InputConversionError
        from inference_schema.parameter_types.numpy_parameter_type import NumpyParameterType

        @input_schema("payload", StandardPythonParameterType({"rows": NumpyParameterType(np.array([[1, 2]], dtype=np.int64)),
                                                            "label": "a"}))
        @input_schema("flags", StandardPythonParameterType([NumpyParameterType(np.array([True]))]))
        @input_schema("count", StandardPythonParameterType(1))
        def run(payload, flags, count):
            return payload, flags, count

        good = run(payload={"rows": [[1, 2]], "label": "b"}, flags=[[True, False]], count=3)
        self.assertEqual(np.int64, good[0]["rows"].dtype)
        cases = [
            (dict(payload={"rows": [[1, 2, 3]]}, flags=[], count=1), "payload.rows: expected a list of rows of 2 integers each, got 1 row(s) of 3"),
            (dict(payload=[], flags=[], count=1), "payload: expected an object, got a list"),
            (dict(payload={}, flags=[[True], [[1]]], count=1), "flags[1]: expected a list of booleans, got nested lists of shape (1, 1)"),
            (dict(payload={}, flags=[], count=1.5), "count: expected an integer, got a number"),
            (dict(payload={}, flags=[], count=True), "count: expected an integer, got a boolean"),
        ]
        for arguments, message in cases:
            with self.assertRaises(InputConversionError) as raised:
                run(**arguments)
            self.assertEqual(message, str(raised.exception))
            # Still a ValueError: scripts that catch those around a decorated call keep working.
            self.assertIsInstance(raised.exception, ValueError)

    def test_pandas_records_are_converted_and_checked(self):
        import pandas
        from inference_schema.errors import InputConversionError

        @input_schema("frame", PandasParameterType(pandas.DataFrame({"a": [1.0], "b": [2]})))
        def run(frame):
            return frame

        converted = run(frame=[{"b": 3, "a": 1}])
        self.assertEqual(["a", "b"], list(converted.columns))
        self.assertEqual("float64", str(converted.dtypes["a"]))
        for value, message in (([{"a": "x", "b": 1}], "frame: column 'a' must hold float64 values (could not convert string to float: 'x')"),
                               ([{"a": 1}], "frame: expected a list of records with the columns a, b, got 1 column(s)")):
            with self.assertRaises(InputConversionError) as raised:
                run(frame=value)
            self.assertEqual(message, str(raised.exception))
        with self.assertRaises(InputConversionError) as raised:
            run(frame=5)
        self.assertTrue(str(raised.exception).startswith("frame: expected a list of records with the columns a, b ("), str(raised.exception))

    def test_pandas_type_without_pandas_passes_records_through(self):
        records = [{"a": 1, "b": "x"}]
        kind = PandasParameterType(records)
        self.assertEqual("pandas.DataFrame:records", kind.input_to_swagger()["format"])
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.assertEqual(records, kind.deserialize_input(records))
        else:
            self.assertEqual(["a", "b"], list(kind.deserialize_input(records).columns))

    def test_a_param_name_not_in_the_function_is_refused(self):
        with self.assertRaises(ValueError):
            @input_schema("data", StandardPythonParameterType(1))
            def run(other):
                return other


if __name__ == "__main__":
    unittest.main()
