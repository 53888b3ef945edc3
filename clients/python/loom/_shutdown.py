"""Flushes every open run's metrics when the process exits.

The wait is bounded by ``LOOM_FLUSH_TIMEOUT`` seconds (default 60) in total, so a script never
hangs forever on an unreachable server.
"""

import atexit
import sys
import threading
import time

from . import _env

__all__ = ["register", "unregister", "flush_all"]

_lock = threading.Lock()
_batchers = set()


def register(batcher):
    """Flush ``batcher`` at exit (until :func:`unregister`)."""
    with _lock:
        _batchers.add(batcher)


def unregister(batcher):
    """Stop tracking ``batcher``."""
    with _lock:
        _batchers.discard(batcher)


def flush_all(timeout=None):
    """Flush every registered batcher within ``timeout`` seconds in total; True if all finished."""
    if timeout is None:
        timeout = _env.float_env("LOOM_FLUSH_TIMEOUT", 60.0)
    deadline = time.monotonic() + timeout
    with _lock:
        batchers = list(_batchers)
    done = True
    for batcher in batchers:
        if batcher.unsent() == 0:
            continue
        if not batcher.flush(max(0.0, deadline - time.monotonic())):
            done = False
            print("loom: exiting with %d metric values of run %s not sent"
                  % (batcher.unsent(), batcher.label), file=sys.stderr)
    return done


atexit.register(flush_all)
