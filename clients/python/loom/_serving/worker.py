"""A deployment's worker: imports the entry script, calls ``init()`` once and ``run(raw_data)`` per request.

The host (Loom.Serving) talks to it over its standard input and output. Frames both ways are a 4-byte
big-endian length and that many bytes. Host frames are raw request bodies, one at a time. Worker frames
start with their kind:

* 1 ready: JSON ``{"schema": ... or null, "sample": ... or null}`` (from ``inference_schema`` decorators)
* 2 init failed: UTF-8 traceback; the worker then exits 3
* 3 response: second byte 0 = JSON, 1 = raw bytes, 2 = text; then the body
* 4 run raised: UTF-8 ``"ExceptionType: message\\n"`` and the traceback
* 5 invalid input: UTF-8 message saying why the body cannot be the input a decorated ``run()`` declares (not JSON, not an
  object of its parameters, or a value its ``@input_schema`` type cannot convert); the host answers 400, not a run error

JSON is strict: NaN and Infinity (which Python's json would write and other parsers reject) become null. A response
longer than ``LOOM_MAX_RESPONSE_BYTES`` (64 MiB unless the host says otherwise) is answered as a run error.

The protocol keeps the process's original stdin and stdout; the script's prints (``sys.stdout`` and file
descriptor 1) go to stderr, which the host keeps as the deployment's log. End of input: the worker exits 0.
Standard library only: numpy and pandas results are converted when those packages are importable.
"""

import importlib.util
import inspect
import json
import math
import os
import struct
import sys
import traceback

READY = 1
INIT_FAILED = 2
RESPONSE = 3
RUN_RAISED = 4
INVALID_INPUT = 5

FORMAT_JSON = 0
FORMAT_BYTES = 1
FORMAT_TEXT = 2

_HEADER = struct.Struct(">I")
INIT_FAILED_EXIT = 3

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# A frame's length (its body and the kind and format bytes) must fit the 4-byte header.
_MAX_BODY = (1 << 32) - 1 - 2
# Error texts (tracebacks) are cut to this many bytes: an exception's message may be huge.
_MAX_ERROR_BYTES = 1 << 20
# Why an input is invalid goes back to the caller in a problem's detail: a few lines at most.
_MAX_INVALID_INPUT_BYTES = 4096

try:
    from inference_schema.errors import InputConversionError
except ImportError:  # the bundled package is on PYTHONPATH beside this one; without it no decorator raises this
    class InputConversionError(ValueError):
        pass


class ResponseTooLargeError(Exception):
    """run() returned more than the deployment's responses may hold."""


class InvalidInputError(Exception):
    """The request body cannot be the input a decorated run() declares: the caller's mistake, answered with 400."""


class Channel:
    """The protocol's two pipes, taken over from fds 0 and 1 so that the script cannot write into them."""

    def __init__(self):
        self._in = os.fdopen(os.dup(0), "rb", buffering=1 << 16)
        self._out = os.fdopen(os.dup(1), "wb", buffering=0)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(2, 1)
        sys.stdin = open(os.devnull, "r")
        # fd 1 now is stderr; a fresh line-buffered text stream on it keeps print() ordered with tracebacks.
        sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)

    def read(self):
        """The next request body, or None at end of input."""
        header = self._in.read(4)
        if len(header) < 4:
            return None
        (length,) = _HEADER.unpack(header)
        body = self._in.read(length) if length else b""
        if len(body) < length:
            return None
        return body

    def send(self, kind, payload, fmt=None):
        """Writes one frame; the caller keeps the payload within the protocol's limit (``_MAX_BODY``)."""
        prefix = bytes((kind,)) if fmt is None else bytes((kind, fmt))
        self._write(_HEADER.pack(len(prefix) + len(payload)) + prefix)
        self._write(payload)

    def _write(self, data):
        view = memoryview(data)
        while view:
            written = self._out.write(view)
            view = view[written:]


def _load_entry_script(path):
    """Imports the entry script by path as a module named after its file (``score``), as Azure ML does."""
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot import the entry script {}".format(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _json_default(value):
    """Turns what json cannot encode into what it can: numpy arrays and scalars, pandas frames, sets, bytes."""
    kind = type(value)
    module = kind.__module__ or ""
    if module.startswith("numpy"):
        if hasattr(value, "tolist"):
            return value.tolist()
        if hasattr(value, "item"):
            return value.item()
    if module.startswith("pandas"):
        if hasattr(value, "to_dict") and hasattr(value, "columns"):
            return value.to_dict(orient="records")
        if hasattr(value, "tolist"):
            return value.tolist()
        if hasattr(value, "isoformat"):
            return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__float__"):
        return float(value)
    raise TypeError("Object of type {} is not JSON serializable".format(kind.__name__))


def _finite(value):
    """value with every NaN and infinity replaced by None, numpy and pandas values converted on the way."""
    if isinstance(value, float):  # numpy.float64 too
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, dict):
        return {(None if isinstance(key, float) and not math.isfinite(key) else key): _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return _finite(_json_default(value))


def to_json(value):
    """Strict JSON text of value: NaN and infinities (which json would write as bare NaN/Infinity) become null."""
    try:
        return json.dumps(value, default=_json_default, allow_nan=False)
    except ValueError as error:
        try:
            cleaned = _finite(value)
        except RecursionError:
            raise error from None
        return json.dumps(cleaned, default=_json_default, allow_nan=False)


def encode_result(result):
    """The response format and body of what run() returned."""
    if isinstance(result, (bytes, bytearray, memoryview)):
        return FORMAT_BYTES, bytes(result)
    if isinstance(result, str):
        return FORMAT_TEXT, result.encode("utf-8")
    return FORMAT_JSON, to_json(result).encode("utf-8")


def max_response_bytes():
    """The deployment's response limit from LOOM_MAX_RESPONSE_BYTES (default 64 MiB), within what a frame can carry."""
    try:
        limit = int(os.environ.get("LOOM_MAX_RESPONSE_BYTES", ""))
    except ValueError:
        limit = DEFAULT_MAX_RESPONSE_BYTES
    if limit <= 0:
        limit = DEFAULT_MAX_RESPONSE_BYTES
    return min(limit, _MAX_BODY)


def _check_size(payload, limit, what):
    if len(payload) > limit:
        raise ResponseTooLargeError("{} is {} bytes, more than the deployment's limit of {} bytes (MaxResponseBytes)".format(
            what, len(payload), limit))


def _schema_of(run):
    """The inference_schema description of run, or None when it was not decorated."""
    try:
        from inference_schema import schema_util
    except ImportError:
        return None
    return schema_util.describe(run)


def _error_text(error):
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 - an exception whose __str__ fails still has a type to report
        message = "<the message could not be read>"
    head = "{}: {}".format(type(error).__name__, message) if message else type(error).__name__
    return head + "\n" + "".join(traceback.format_exception(type(error), error, error.__traceback__))


def _error_bytes(error, limit):
    """The UTF-8 error text, cut to fit the frame limit."""
    data = _error_text(error).encode("utf-8", errors="backslashreplace")
    limit = min(limit, _MAX_ERROR_BYTES)
    if len(data) > limit:
        marker = b"\n... [cut]"
        data = data[:max(0, limit - len(marker))] + marker
    return data[:limit]


def _call_run(run, body, decorated):
    if not decorated:
        return run(body.decode("utf-8", errors="replace"))
    # As Azure ML's server does for a decorated run: the JSON body's fields are run's keyword arguments.
    return run(**_fields(run, body))


def _fields(run, body):
    """The keyword arguments of a decorated run from a JSON object body; InvalidInputError says why there are none."""
    try:
        fields = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidInputError("the request body is not UTF-8 text; send a JSON object of run()'s inputs") from None
    except (ValueError, RecursionError) as error:
        raise InvalidInputError("the request body is not JSON ({}); send a JSON object of run()'s inputs".format(error)) from None
    if not isinstance(fields, dict):
        raise InvalidInputError("the request body is a JSON {}, not an object of run()'s inputs".format(_json_kind(fields)))
    try:
        inspect.signature(run).bind(**fields)
    except TypeError as error:
        raise InvalidInputError("the request body's fields do not fit run(): {}".format(error)) from None
    except ValueError:
        pass  # a callable without a signature to read: run() itself says what it wants
    return fields


def _json_kind(value):
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _invalid_input_bytes(error):
    data = str(error).encode("utf-8", errors="backslashreplace")
    if len(data) > _MAX_INVALID_INPUT_BYTES:
        marker = b"... [cut]"
        data = data[:_MAX_INVALID_INPUT_BYTES - len(marker)] + marker
    return data


def serve(channel, entry_script, max_response=None):
    limit = max_response_bytes() if max_response is None else min(max_response, _MAX_BODY)
    try:
        module = _load_entry_script(entry_script)
        init = getattr(module, "init", None)
        if init is not None:
            init()
        run = getattr(module, "run", None)
        if run is None:
            raise AttributeError("the entry script {} defines no run(raw_data) function".format(entry_script))
        described = _schema_of(run)
        ready = {"schema": None, "sample": None}
        if described is not None:
            ready = {"schema": described["schema"], "sample": described["sample"]}
        ready_frame = to_json(ready).encode("utf-8")
        _check_size(ready_frame, limit, "the schema and sample of run()")
    except BaseException as error:  # noqa: B902 - SystemExit from a script's init is an init failure too
        sys.stdout.flush()
        channel.send(INIT_FAILED, _error_bytes(error, limit))
        return INIT_FAILED_EXIT
    sys.stdout.flush()
    channel.send(READY, ready_frame)
    decorated = described is not None and described.get("inputs")

    while True:
        body = channel.read()
        if body is None:
            return 0
        try:
            fmt, payload = encode_result(_call_run(run, body, decorated))
            # Within the try: a response too large for the host (or for a frame's 4-byte length) is the caller's error.
            _check_size(payload, limit, "the response")
        except (InvalidInputError, InputConversionError) as error:
            sys.stdout.flush()
            channel.send(INVALID_INPUT, _invalid_input_bytes(error))
            continue
        except (Exception, SystemExit) as error:  # noqa: BLE001 - every error of run() goes back to the caller
            payload = None
            sys.stdout.flush()
            channel.send(RUN_RAISED, _error_bytes(error, limit))
            continue
        sys.stdout.flush()
        channel.send(RESPONSE, payload, fmt)


def main():
    channel = Channel()
    entry_script = os.environ.get("LOOM_ENTRY_SCRIPT") or (sys.argv[1] if len(sys.argv) > 1 else "")
    if not entry_script:
        channel.send(INIT_FAILED, b"LOOM_ENTRY_SCRIPT is not set: the worker has no entry script to import")
        return INIT_FAILED_EXIT
    return serve(channel, entry_script, max_response_bytes())


if __name__ == "__main__":
    sys.exit(main())
