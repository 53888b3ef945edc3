"""``azureml.core.script_run`` for Loom: the run a submitted ScriptRunConfig returns."""

from .run import Run

__all__ = ["ScriptRun"]

ScriptRun = Run
