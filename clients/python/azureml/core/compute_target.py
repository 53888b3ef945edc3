"""``azureml.core.compute_target`` for Loom: where Azure ML v1 scripts import ComputeTargetException."""

from ..exceptions import ComputeTargetException
from .compute.compute_target import ComputeTarget

__all__ = ["ComputeTarget", "ComputeTargetException"]
