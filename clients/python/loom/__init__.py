"""Loom's Python client: track runs (metrics, params, tags, properties, files) on a Loom server.

Standard library only. Typical use::

    import loom
    with loom.start_run(experiment="demo", params={"lr": 0.1}) as run:
        for step in range(100):
            run.log("loss", 1.0 / (step + 1))

Inside a run submitted to Loom, ``loom.Run.get_context()`` attaches to that run instead.
To run a script on a compute target::

    run = loom.submit("./src", script="train.py", arguments=["--lr", 0.1], compute="cpu",
                      environment="sklearn", experiment="demo")
    run.wait_for_completion(show_output=True)

Settings come from ``LOOM_TRACKING_URI``, ``LOOM_TOKEN`` and ``LOOM_WORKSPACE``.
"""

from ._errors import (BadRequestError, ConflictError, ForbiddenError, LoomConnectionError, LoomError,
                      NotFoundError, PayloadTooLargeError, RateLimitError, RequestTimeoutError,
                      ServerError, UnauthorizedError, UnprocessableEntityError)
from ._shutdown import flush_all
from .client import Client
from .run import Run, get_run, start_run
from ._submit import submit
from ._wait import RunFailedError
from . import _snapshot as snapshot

__version__ = "0.1.0"

__all__ = [
    "Run", "start_run", "get_run", "submit", "Client", "flush_all", "snapshot", "RunFailedError",
    "LoomError", "LoomConnectionError", "BadRequestError", "UnauthorizedError", "ForbiddenError",
    "NotFoundError", "ConflictError", "PayloadTooLargeError", "UnprocessableEntityError",
    "RequestTimeoutError", "RateLimitError", "ServerError",
]
