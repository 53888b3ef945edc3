"""``azureml.exceptions`` for Loom: the exception types Azure ML v1 scripts catch."""

import json

from loom import LoomError, RunFailedError

__all__ = ["AzureMLException", "UserErrorException", "ActivityFailedException", "ComputeTargetException",
           "ExperimentExecutionException", "WebserviceException", "ModelNotFoundException",
           "ModelPathNotFoundException"]


class AzureMLException(LoomError):
    """Base of the Azure ML compatible exceptions (a :class:`loom.LoomError`: ``status`` and
    ``code`` tell what the server answered, when it did)."""

    @classmethod
    def _from(cls, error, message=None):
        """This type, carrying what a LoomError (or another exception) said."""
        return cls(message or str(error), status=getattr(error, "status", None),
                   code=getattr(error, "code", None), title=getattr(error, "title", None),
                   detail=getattr(error, "detail", None), body=getattr(error, "body", None))

    @property
    def message(self):
        """The error message (Azure ML's exceptions carry it as ``message``)."""
        return str(self)


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


class WebserviceException(AzureMLException):
    """A model or web service call failed, e.g. ``ModelNotFound`` (``status_code`` is the HTTP
    status the server answered, when it did)."""

    @property
    def status_code(self):
        """The HTTP status of the server's answer, or None."""
        return self.status


class ModelNotFoundException(AzureMLException):
    """``Model.get_model_path`` found no such model (locally or in the workspace)."""


class ModelPathNotFoundException(AzureMLException):
    """``run.register_model`` was given a path the run has no files under."""
