"""HTTP transport: one keep-alive connection per thread, bearer auth, JSON, problem+json errors."""

import http.client
import json
import socket
import sys
import threading
import time
import urllib.parse

from ._errors import LoomConnectionError, LoomError, error_for_status

__all__ = ["HttpClient", "Response", "is_retryable", "close_thread_connections"]

_RETRYABLE_STATUS = frozenset((408, 429, 500, 502, 503, 504))
_TRANSPORT_ERRORS = (OSError, http.client.HTTPException, socket.timeout)
_CHUNK = 1024 * 1024
_local = threading.local()  # per thread: {(scheme, host, port): [connection, used before?]}


def close_thread_connections():
    """Close the calling thread's kept-alive connections (call before a thread ends)."""
    pool = getattr(_local, "pool", None)
    if pool:
        for conn, _ in pool.values():
            conn.close()
        pool.clear()


def is_retryable(error):
    """True when sending the same request again may succeed (no answer, 5xx, 408 or 429)."""
    if isinstance(error, LoomConnectionError):
        return True
    return isinstance(error, LoomError) and error.status in _RETRYABLE_STATUS


class Response:
    """A finished HTTP answer: ``status``, ``headers`` (lower-case keys) and ``data`` bytes."""

    def __init__(self, status, headers, data):
        self.status = status
        self.headers = headers
        self.data = data

    def json(self):
        """The body decoded as JSON (None for an empty body)."""
        if not self.data:
            return None
        return json.loads(self.data.decode("utf-8"))


class HttpClient:
    """Sends requests to one Loom server.

    Each thread keeps one ``http.client`` connection per server open between calls (keep-alive),
    shared by the HttpClient objects of that thread, so a background sender and the user's thread
    never share a socket.
    """

    def __init__(self, base_url, token=None, timeout=60.0, user_agent="loom-python"):
        parsed = urllib.parse.urlsplit(base_url.rstrip("/"))
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError("Loom tracking URI must be an http(s) URL, got %r" % base_url)
        self.base_url = base_url.rstrip("/")
        self._scheme = parsed.scheme
        self._host = parsed.hostname
        self._port = parsed.port
        self._prefix = parsed.path.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.user_agent = user_agent
        self._key = (self._scheme, self._host, self._port)
        self._warned_retry = False

    # -- connections -------------------------------------------------------------------------

    def _entry(self):
        pool = getattr(_local, "pool", None)
        if pool is None:
            pool = _local.pool = {}
        entry = pool.get(self._key)
        if entry is None:
            cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            entry = pool[self._key] = [cls(self._host, self._port, timeout=self.timeout,
                                           blocksize=1 << 16), False]
        entry[0].timeout = self.timeout
        return entry

    def _drop_connection(self):
        entry = getattr(_local, "pool", {}).pop(self._key, None)
        if entry is not None:
            try:
                entry[0].close()
            except Exception:
                pass

    def close(self):
        """Close this thread's connection to the server."""
        self._drop_connection()

    # -- requests ----------------------------------------------------------------------------

    def url(self, path, query=None):
        """The path (with the base URL's own path prefix) and encoded query string (a list or
        tuple value repeats its parameter once per item)."""
        target = self._prefix + path
        if query:
            items = [(k, item) for k, v in query.items()
                     for item in (v if isinstance(v, (list, tuple)) else [v]) if item is not None]
            if items:
                target += "?" + urllib.parse.urlencode(
                    [(k, str(v).lower() if isinstance(v, bool) else v) for k, v in items])
        return target

    def request(self, method, path, query=None, json_body=None, body=None, headers=None,
                idempotency_key=None, retry_for=0.0, sink=None, ok_statuses=None):
        """Send a request and return its :class:`Response`; raise a LoomError on failure.

        ``body`` is bytes, or a callable returning ``(file object, length)`` so that every attempt
        streams the data afresh. ``sink`` (a binary file object) receives a 2xx body in chunks
        instead of ``Response.data``. ``retry_for`` is how many seconds to keep retrying when the
        server is unreachable or answers 408/429/5xx (only for requests safe to repeat: reads,
        PUT/PATCH, or POSTs with an Idempotency-Key).
        """
        target = self.url(path, query)
        hdrs = {"User-Agent": self.user_agent, "Accept": "application/json"}
        if self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        if json_body is not None:
            body = json.dumps(json_body, allow_nan=False, separators=(",", ":")).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        if idempotency_key:
            hdrs["Idempotency-Key"] = idempotency_key
        if headers:
            hdrs.update(headers)

        deadline = time.monotonic() + retry_for
        delay = 0.1
        while True:
            try:
                return self._attempt(method, target, body, hdrs, sink, ok_statuses)
            except LoomError as error:
                if not is_retryable(error) or time.monotonic() + delay > deadline:
                    raise
                if not self._warned_retry:
                    self._warned_retry = True
                    print("loom: %s; retrying for up to %.1f s" % (error, retry_for), file=sys.stderr)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)

    def open_stream(self, path, query=None, headers=None, timeout=None):
        """GET ``path`` on a connection of its own and return the open ``http.client`` response
        of a 2xx answer, to be read as it arrives (close it, which closes the connection).
        ``response.connection`` is the connection. Raises a LoomError for an error answer or when
        no answer came."""
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        conn = cls(self._host, self._port, timeout=timeout or self.timeout)
        hdrs = {"User-Agent": self.user_agent}
        if self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        hdrs.update(headers or {})
        target = self.url(path, query)
        try:
            conn.request("GET", target, headers=hdrs)
            resp = conn.getresponse()
        except _TRANSPORT_ERRORS as error:
            conn.close()
            raise LoomConnectionError("GET %s%s: %s" % (self.base_url, target, error or type(error).__name__)) from error
        if 200 <= resp.status < 300:
            resp.connection = conn
            return resp
        try:
            data = resp.read()
            headers = {k.lower(): v for k, v in resp.getheaders()}
        except _TRANSPORT_ERRORS:
            data, headers = b"", {}
        finally:
            conn.close()
        raise error_for_status(resp.status, _decode_problem(data, headers), "GET", self.base_url + target)

    def _attempt(self, method, target, body, hdrs, sink, ok_statuses):
        # A kept-alive socket may have been closed by the server while idle; that shows up as a
        # failure to send or an empty answer, so one fresh connection is tried before giving up.
        for fresh_try in (False, True):
            entry = self._entry()
            conn, reused = entry
            stream = None
            try:
                if callable(body):
                    stream, length = body()
                    send_hdrs = dict(hdrs, **{"Content-Length": str(length)})
                    conn.request(method, target, body=stream, headers=send_hdrs)
                else:
                    conn.request(method, target, body=body, headers=hdrs)
                resp = conn.getresponse()
                entry[1] = True
                return self._finish(resp, method, target, sink, ok_statuses)
            except LoomError:
                raise
            except _TRANSPORT_ERRORS as error:
                self._drop_connection()
                if reused and not fresh_try and isinstance(
                        error, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)):
                    continue
                raise LoomConnectionError(
                    "%s %s%s: %s" % (method, self.base_url, target, error or type(error).__name__)) from error
            finally:
                if stream is not None:
                    try:
                        stream.close()
                    except Exception:
                        pass

    def _finish(self, resp, method, target, sink, ok_statuses):
        status = resp.status
        headers = {k.lower(): v for k, v in resp.getheaders()}
        ok = (200 <= status < 300) if ok_statuses is None else status in ok_statuses
        if ok and sink is not None:
            if sink.seekable():  # a retried download starts the file over
                sink.seek(0)
                sink.truncate()
            while True:
                chunk = resp.read(_CHUNK)
                if not chunk:
                    break
                sink.write(chunk)
            data = b""
        else:
            data = resp.read()
        if resp.will_close:
            self._drop_connection()
        if ok:
            return Response(status, headers, data)
        raise error_for_status(status, _decode_problem(data, headers), method, self.base_url + target)


def _decode_problem(data, headers):
    text = data.decode("utf-8", "replace")
    if "json" in headers.get("content-type", ""):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text
