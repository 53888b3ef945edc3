"""``azureml.core.compute`` for Loom: compute targets (named queues that ``loom agent`` processes serve).

``ComputeTarget(ws, name)`` finds one (ComputeTargetException when it does not exist, as in Azure
ML); ``ComputeTarget.create(ws, name, AmlCompute.provisioning_configuration(max_nodes=4))`` makes
a ``local`` target, whose agents the server starts on its own machine.
"""

from .compute_target import AmlCompute, AmlComputeProvisioningConfiguration, ComputeTarget

__all__ = ["ComputeTarget", "AmlCompute", "AmlComputeProvisioningConfiguration"]
