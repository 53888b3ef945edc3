"""Buffers a run's metric values and sends them in batches from a background thread.

``add`` only appends a tuple to a list under a lock, so logging costs about a microsecond. A daemon
thread cuts the buffer into batches of at most ``max_batch`` values; each batch gets its
Idempotency-Key when it is cut, and is sent (and retried while the server is unreachable or
answers 408/429/5xx) until it is stored, so a retry after a lost answer is stored once. Steps
are assigned at ``add`` time, so a retried batch carries the same steps.
"""

import collections
import json
import os
import sys
import threading
import time
import uuid
import weakref

from ._http import close_thread_connections, is_retryable
from ._values import iso_ms, to_wire

__all__ = ["Batch", "MetricBatcher"]

_instances = weakref.WeakSet()


class Batch:
    """One request's worth of metric values, with the Idempotency-Key fixed at creation."""

    __slots__ = ("key", "items", "_payload", "_body")

    def __init__(self, items):
        self.key = str(uuid.uuid4())
        self.items = items
        self._payload = None
        self._body = None

    def __len__(self):
        return len(self.items)

    def payload(self):
        """The request document ``{"points": [...], "rows": [...]}``."""
        if self._payload is None:
            points, rows = [], []
            last_ms, stamp = None, None
            for name, value, step, when, kind in self.items:
                ms = int(when * 1000)
                if ms != last_ms:  # many values share a millisecond; format it once
                    last_ms, stamp = ms, iso_ms(when)
                if kind is None:
                    if type(value) is float:
                        value = to_wire(value)
                    points.append({"name": name, "value": value, "step": step, "timestamp": stamp})
                else:
                    rows.append({"name": name, "kind": kind, "value": to_wire(value),
                                 "step": step, "timestamp": stamp})
            self._payload = {"points": points, "rows": rows}
        return self._payload

    def body(self):
        """The payload as UTF-8 JSON bytes (identical on every retry)."""
        if self._body is None:
            self._body = json.dumps(self.payload(), allow_nan=False,
                                    separators=(",", ":")).encode("utf-8")
        return self._body


class MetricBatcher:
    """Metric buffer and background sender of one run.

    ``send(batch)`` delivers a :class:`Batch` or raises; errors for which
    :func:`loom._http.is_retryable` is true are retried with exponential backoff, others are
    reported on stderr and the batch is dropped.
    """

    def __init__(self, send, label, max_batch=10000, interval=1.0, min_backoff=0.1, max_backoff=5.0):
        self._send = send
        self.label = label
        self._max_batch = max_batch
        self._interval = interval
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._lock = threading.Lock()           # guards _items, _counts, _cut_total
        self._items = []
        self._counts = {}
        self._cut_total = 0
        self._reset()
        _instances.add(self)

    def _reset(self):
        self._state = threading.Condition()    # guards _done_total, _flush_target
        self._done_total = 0
        self._flush_target = 0
        self._pending = collections.deque()    # only touched by the sender thread
        self._wake = threading.Event()
        self._stopping = False
        self._thread = None
        self._start_lock = threading.Lock()

    def _after_fork(self):
        # The child has no sender thread, and the parent still owns what was buffered before the
        # fork: start empty (step counters are kept).
        self._lock = threading.Lock()
        self._items = []
        self._cut_total = 0
        self._reset()

    def add(self, name, value, step, kind=None):
        """Buffer one value; ``step=None`` takes the number of values ``name`` already has."""
        when = time.time()
        with self._lock:
            counts = self._counts
            n = counts.get(name, 0)
            counts[name] = n + 1
            items = self._items
            items.append((name, value, n if step is None else step, when, kind))
            full = len(items) == self._max_batch
        if full:
            self._wake.set()
        if self._thread is None:
            self._start()

    def next_step(self, name):
        """The step the next value of ``name`` gets when logged without one."""
        with self._lock:
            return self._counts.get(name, 0)

    def unsent(self):
        """How many buffered values are not yet stored (or dropped)."""
        with self._lock:
            total = self._cut_total + len(self._items)
        with self._state:
            return total - self._done_total

    def flush(self, timeout=None):
        """Send everything buffered so far; True when it was all handled within ``timeout`` s."""
        with self._lock:
            target = self._cut_total + len(self._items)
        with self._state:
            if self._done_total >= target:
                return True
            self._flush_target = max(self._flush_target, target)
        deadline = None if timeout is None else time.monotonic() + timeout
        if self._thread is None and not self._start():
            self._stopping = True  # no threads at interpreter shutdown: send from this one
            self._loop(deadline)
        self._wake.set()
        with self._state:
            while self._done_total < target:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._state.wait(remaining if remaining is None else min(remaining, 1.0))
        return True

    def close(self, timeout=None):
        """Flush, then stop the sender thread if everything went out. Returns flush's result.

        When the flush times out the thread keeps trying (it is a daemon thread, so it does not
        hold the process open).
        """
        if not self.flush(timeout):
            print("loom: run %s: %d metric values not sent yet after %.0f s; still retrying in the "
                  "background" % (self.label, self.unsent(), timeout or 0), file=sys.stderr)
            return False
        with self._start_lock:
            thread = self._thread
            if thread is None:
                return True
            self._stopping = True
            self._wake.set()
        thread.join(5.0)
        with self._start_lock:
            if not thread.is_alive():
                self._thread = None
        return True

    # -- sender thread ---------------------------------------------------------------------

    def _start(self):
        with self._start_lock:
            self._stopping = False
            if self._thread is not None and self._thread.is_alive():
                return True
            thread = threading.Thread(target=self._run, name="loom-metrics-%s" % self.label,
                                      daemon=True)
            try:
                thread.start()
            except RuntimeError:  # interpreter shutting down
                self._thread = None
                return False
            self._thread = thread
            return True

    def _urgent(self):
        with self._state:
            return self._stopping or self._flush_target > self._done_total

    def _cut(self):
        with self._lock:
            items = self._items
            if not items:
                return
            self._items = []
            self._cut_total += len(items)
        size = self._max_batch
        for start in range(0, len(items), size):
            self._pending.append(Batch(items[start:start + size]))

    def _run(self):
        try:
            self._loop()
        except BaseException as error:  # never die silently: flush() would wait for nothing
            print("loom: metric sender for run %s stopped: %r" % (self.label, error), file=sys.stderr)
            raise
        finally:
            close_thread_connections()

    def _loop(self, deadline=None):
        backoff = self._min_backoff
        failing = False
        while True:
            if not self._pending:
                if not self._urgent() and len(self._items) < self._max_batch:
                    self._wake.wait(self._interval)
                self._wake.clear()
                self._cut()
                if not self._pending:
                    if self._stopping:
                        return
                    continue
            batch = self._pending[0]
            try:
                self._send(batch)
            except Exception as error:
                if is_retryable(error):
                    if deadline is not None and time.monotonic() + backoff > deadline:
                        return
                    if not failing:
                        failing = True
                        print("loom: run %s: cannot send metrics (%s); buffering and retrying"
                              % (self.label, error), file=sys.stderr)
                    time.sleep(backoff)
                    backoff = min(backoff * 2, self._max_backoff)
                    continue
                print("loom: run %s: dropped %d metric values: %s" % (self.label, len(batch), error),
                      file=sys.stderr)
            if failing:
                failing = False
                print("loom: run %s: sending metrics again" % self.label, file=sys.stderr)
            backoff = self._min_backoff
            self._pending.popleft()
            with self._state:
                self._done_total += len(batch)
                self._state.notify_all()


def _after_fork_in_child():
    for batcher in list(_instances):
        batcher._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
