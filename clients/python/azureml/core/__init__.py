"""``azureml.core`` for Loom: the Azure ML v1 classes, mapped onto Loom's client.

Import as in Azure ML v1: ``from azureml.core import Run``.
"""

from .experiment import Experiment
from .run import Run
from .workspace import Workspace

__all__ = ["Experiment", "Run", "Workspace"]
