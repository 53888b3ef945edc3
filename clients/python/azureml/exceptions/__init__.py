"""``azureml.exceptions`` for Loom: the exception types Azure ML v1 scripts catch."""

from loom import LoomError

__all__ = ["AzureMLException", "UserErrorException", "ActivityFailedException"]


class AzureMLException(LoomError):
    """Base of the Azure ML compatible exceptions."""


class UserErrorException(AzureMLException):
    """A call was made with invalid arguments."""


class ActivityFailedException(AzureMLException):
    """A waited-for run ended Failed."""
