"""``azureml.exceptions`` for Loom: the exception types Azure ML v1 scripts catch."""

import json

from loom import LoomError, RunFailedError

__all__ = ["AzureMLException", "UserErrorException", "ActivityFailedException", "ComputeTargetException",
           "ExperimentExecutionException"]


class AzureMLException(LoomError):
    """Base of the Azure ML compatible exceptions (a :class:`loom.LoomError`: ``status`` and
    ``code`` tell what the server answered, when it did)."""

    @classmethod
    def _from(cls, error, message=None):
        """This type, carrying what a LoomError (or another exception) said."""
        return cls(message or str(error), status=getattr(error, "status", None),
                   code=getattr(error, "code", None), title=getattr(error, "title", None),
                   detail=getattr(error, "detail", None), body=getattr(error, "body", None))


class UserErrorException(AzureMLException):
    """A call was made with invalid arguments, or names something that does not exist."""


class ComputeTargetException(AzureMLException):
    """A compute target does not exist or cannot be created."""


class ExperimentExecutionException(AzureMLException):
    """A run could not be submitted."""


class ActivityFailedException(AzureMLException, RunFailedError):
    """A waited-for run ended Failed or Canceled (also a :class:`loom.RunFailedError`)."""

    @staticmethod
    def format_failure(run_id, status, error):
        """The message, shaped like Azure ML's: ``Activity Failed:`` and the error document."""
        document = {"error": {"code": "UserError" if status == "Failed" else "Canceled",
                              "message": error or "The run ended %s." % status},
                    "runId": run_id, "status": status}
        return "Activity Failed:\n" + json.dumps(document, indent=4)
