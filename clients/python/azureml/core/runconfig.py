"""``azureml.core.runconfig`` for Loom: where and how a ScriptRunConfig runs.

``PyTorchConfiguration(process_count=8, node_count=2)`` and ``MpiConfiguration(
process_count_per_node=4, node_count=2)`` map onto Loom's distributed runs (``nodeCount``,
``processCountPerNode``, distribution ``pytorch`` or ``mpi``).
"""

from ..exceptions import UserErrorException

__all__ = ["RunConfiguration", "PyTorchConfiguration", "MpiConfiguration", "DockerConfiguration"]


class PyTorchConfiguration:
    """A PyTorch job: ``process_count`` processes in all over ``node_count`` nodes (one process per
    node when ``process_count`` is not given)."""

    def __init__(self, communication_backend="Nccl", process_count=None, node_count=1):
        self.communication_backend = communication_backend
        self.process_count = process_count
        self.node_count = node_count

    def _loom(self):
        nodes = _count(self.node_count, "node_count")
        total = nodes if self.process_count is None else _count(self.process_count, "process_count")
        if total % nodes:
            raise UserErrorException("process_count (%d) must be a multiple of node_count (%d)" % (total, nodes))
        return nodes, total // nodes, "pytorch"


class MpiConfiguration:
    """An MPI job: ``process_count_per_node`` processes on each of ``node_count`` nodes."""

    def __init__(self, process_count_per_node=1, node_count=1):
        self.process_count_per_node = process_count_per_node
        self.node_count = node_count

    def _loom(self):
        return (_count(self.node_count, "node_count"),
                _count(self.process_count_per_node, "process_count_per_node"), "mpi")


class DockerConfiguration:
    """Accepted for compatibility; Loom's agents run the environment's interpreter (a container
    image, when an environment names one, is the agent's business)."""

    def __init__(self, use_docker=False, shm_size=None, shared_volumes=True, arguments=None):
        self.use_docker = use_docker
        self.shm_size = shm_size
        self.shared_volumes = shared_volumes
        self.arguments = arguments


class RunConfiguration:
    """The run settings of a ScriptRunConfig (``src.run_config``)."""

    def __init__(self, script=None, arguments=None, framework=None, communicator=None,
                 conda_dependencies=None, _history_enabled=None, _path=None, _name=None, command=None):
        self.script = script
        self.arguments = list(arguments or [])
        self.command = command
        self.target = "local"
        self.environment = None
        self.node_count = 1
        self.max_run_duration_seconds = None
        self.environment_variables = {}
        self.distributed_job_config = None
        self.docker = DockerConfiguration()
        self.framework = framework or "Python"
        self.communicator = communicator or "None"
        if conda_dependencies is not None:
            from .environment import Environment
            self.environment = Environment("runconfig-environment")
            self.environment.python.conda_dependencies = conda_dependencies


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UserErrorException("%s must be a whole number of at least 1, not %r" % (name, value))
    return value
