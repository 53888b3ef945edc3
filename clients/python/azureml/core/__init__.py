"""``azureml.core`` for Loom: the Azure ML v1 classes, mapped onto Loom's client.

Import as in Azure ML v1: ``from azureml.core import Workspace, Experiment, ScriptRunConfig,
Environment, Model, Run, Webservice``.
"""

from .compute import ComputeTarget
from .environment import Environment
from .experiment import Experiment
from .model import Model
from .run import Run
from .runconfig import RunConfiguration
from .script_run import ScriptRun
from .script_run_config import ScriptRunConfig
from .workspace import Workspace
from .webservice import Webservice

__all__ = ["ComputeTarget", "Environment", "Experiment", "Model", "Run", "RunConfiguration", "ScriptRun",
           "ScriptRunConfig", "Webservice", "Workspace"]
