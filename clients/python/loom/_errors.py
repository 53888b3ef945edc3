"""Exceptions raised by the Loom client.

Every error answered by the server is an RFC 7807 problem with a stable ``code``; it is raised as a
:class:`LoomError` subclass chosen by HTTP status, carrying ``status``, ``code``, ``title`` and
``detail``.
"""

__all__ = [
    "LoomError", "LoomConnectionError", "BadRequestError", "UnauthorizedError", "ForbiddenError",
    "NotFoundError", "ConflictError", "PayloadTooLargeError", "UnprocessableEntityError",
    "RequestTimeoutError", "RateLimitError", "ServerError", "error_for_status",
]


class LoomError(Exception):
    """Base class of every error raised by the Loom client.

    Attributes:
        status: HTTP status code of the answer, or None when no answer came (connection errors).
        code: the problem's stable ``code`` (e.g. ``run_not_found``), or None.
        title: the problem's title, if any.
        detail: the problem's detail, if any.
        body: the decoded problem document (a dict), or the raw text when it was not JSON.
    """

    def __init__(self, message, status=None, code=None, title=None, detail=None, body=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.body = body


class LoomConnectionError(LoomError):
    """The server could not be reached (refused, reset, timed out) before it answered."""


class BadRequestError(LoomError):
    """400: the request was malformed (``invalid_name``, ``invalid_request``, ``invalid_path``...)."""


class UnauthorizedError(LoomError):
    """401: the token is missing, malformed, unknown or revoked."""


class ForbiddenError(LoomError):
    """403: the token's role does not allow the call."""


class NotFoundError(LoomError):
    """404: the workspace, experiment, run, metric, artifact... does not exist."""


class RequestTimeoutError(LoomError):
    """408: the server gave up waiting for the request."""


class ConflictError(LoomError):
    """409: e.g. ``param_immutable``, ``invalid_status_transition``, ``workspace_exists``."""


class PayloadTooLargeError(LoomError):
    """413: ``batch_too_large`` or ``payload_too_large``."""


class UnprocessableEntityError(LoomError):
    """422: e.g. ``idempotency_key_reused`` (same key sent with a different request)."""


class RateLimitError(LoomError):
    """429: too many requests."""


class ServerError(LoomError):
    """5xx: the server failed or is unavailable."""


_BY_STATUS = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_for_status(status, body, method="", url=""):
    """Build the LoomError subclass for an HTTP error answer.

    ``body`` is the decoded problem document (dict) or raw text.
    """
    code = title = detail = None
    if isinstance(body, dict):
        code = body.get("code")
        title = body.get("title")
        detail = body.get("detail")
    if status >= 500:
        cls = ServerError
    else:
        cls = _BY_STATUS.get(status, LoomError)
    summary = detail or title or (body if isinstance(body, str) and body else "")
    message = "%s %s -> %d%s%s" % (
        method, url, status, " %s" % code if code else "", ": %s" % summary if summary else "")
    return cls(message, status=status, code=code, title=title, detail=detail, body=body)
