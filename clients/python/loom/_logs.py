"""Following a run's log as it grows: ``GET .../logs/{file}?follow=true`` (server-sent events).

The server sends ``chunk`` events (``{"offset", "text"}``) as bytes arrive, and one ``end`` event
(``{"status", "length"}``) once the run has finished and everything was sent. It sends nothing
while a run is quiet, so a connection idle for longer than the socket timeout, cut, or refused
for a while (a restarting server) is opened again where the text stopped.
"""

import http.client
import json
import socket
import time

from ._http import is_retryable
from ._errors import LoomError

__all__ = ["follow", "WAIT_IDLE_SECONDS"]

WAIT_IDLE_SECONDS = 75.0
_STREAM_ERRORS = (OSError, http.client.HTTPException, socket.timeout, ValueError)


def follow(client, run_path, offset=0, timeout=None):
    """Yield ``("chunk", offset, text)`` for the log under ``run_path`` (``/workspaces/{ws}/runs/
    {id}/logs/{file}``) from byte ``offset``, then ``("end", status, length)``.

    Raises TimeoutError when ``timeout`` seconds pass first, and a LoomError for an answer that
    retrying cannot change (an unknown run, a bad token).
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = 0.2
    while True:
        idle = WAIT_IDLE_SECONDS if deadline is None else max(0.1, min(WAIT_IDLE_SECONDS, deadline - time.monotonic()))
        try:
            resp = client.http.open_stream("/api/v1" + run_path,
                                           query={"follow": True, "offset": offset or None},
                                           headers={"Accept": "text/event-stream"}, timeout=idle)
        except LoomError as error:
            if not is_retryable(error):
                raise
            _expired(deadline, run_path)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
            continue
        try:
            for event, data in _events(resp):
                delay = 0.2
                doc = json.loads(data)
                if event == "chunk":
                    text = doc["text"]
                    yield "chunk", offset, text
                    # The text covers the bytes from where the previous one stopped (the server
                    # keeps an incomplete UTF-8 sequence for the next chunk), so this is where a
                    # new connection continues.
                    offset += len(text.encode("utf-8"))
                elif event == "end":
                    yield "end", doc["status"], doc["length"]
                    return
        except _STREAM_ERRORS:
            pass  # idle past the socket timeout, or cut: continue on a new connection
        finally:
            resp.close()
            resp.connection.close()
        _expired(deadline, run_path)


def _expired(deadline, run_path):
    if deadline is not None and time.monotonic() >= deadline:
        raise TimeoutError("the run of %s did not finish in time" % run_path.rsplit("/logs/", 1)[0])


def _events(resp):
    """``(event, data)`` pairs of a text/event-stream response, until it ends."""
    event, data = "message", []
    while True:
        line = resp.readline()
        if not line:
            return
        line = line.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
