"""``azureml.core.ScriptRunConfig`` for Loom: a script (or command) of a source folder, its compute
target, environment and distribution, submitted with ``Experiment.submit(config)``."""

from loom import LoomError
from loom import _submit

from ..exceptions import ExperimentExecutionException, UserErrorException
from .runconfig import MpiConfiguration, PyTorchConfiguration, RunConfiguration

__all__ = ["ScriptRunConfig"]

_AZURE_MAX_DURATION = 2592000  # Azure ML's default (30 days) means "no limit of your own"


class ScriptRunConfig:
    """What to run, as in Azure ML v1::

        src = ScriptRunConfig(source_directory="./src", script="train.py", arguments=["--c", 0.5],
                              compute_target="cpu", environment=env)
        run = Experiment(ws, "iris").submit(src)

    ``compute_target`` is a name or a ComputeTarget; ``environment`` an Environment (registered at
    submit when it has no version yet) or None for Loom's ``system`` environment.
    ``distributed_job_config`` takes a PyTorchConfiguration or MpiConfiguration.
    """

    def __init__(self, source_directory, script=None, arguments=None, run_config=None, _telemetry_values=None,
                 compute_target=None, environment=None, distributed_job_config=None, resume_from=None,
                 max_run_duration_seconds=_AZURE_MAX_DURATION, command=None, docker_runtime_config=None):
        self.source_directory = source_directory
        self.script = script
        self.command = command
        self.arguments = list(arguments) if arguments is not None else []
        self.run_config = run_config or RunConfiguration()
        if compute_target is not None:
            self.run_config.target = compute_target
        if environment is not None:
            self.run_config.environment = environment
        if distributed_job_config is not None:
            self.run_config.distributed_job_config = distributed_job_config
        if max_run_duration_seconds != _AZURE_MAX_DURATION:
            self.run_config.max_run_duration_seconds = max_run_duration_seconds
        if docker_runtime_config is not None:
            self.run_config.docker = docker_runtime_config

    @property
    def distributed_job_config(self):
        """The PyTorchConfiguration or MpiConfiguration, if any."""
        return self.run_config.distributed_job_config

    def _submit(self, experiment, tags=None):
        """Queue the run; returns the azureml Run (status Queued)."""
        workspace = experiment.workspace
        client = workspace._require_client()
        config = self.run_config
        command = self.command
        if isinstance(command, (list, tuple)):
            command = " ".join(str(part) for part in command)
        nodes, per_node, distribution = None, None, None
        job = config.distributed_job_config
        if isinstance(job, (PyTorchConfiguration, MpiConfiguration)):
            nodes, per_node, distribution = job._loom()
        elif job is not None:
            raise UserErrorException("distributed_job_config %r is not supported on Loom; use "
                                     "PyTorchConfiguration or MpiConfiguration" % type(job).__name__)
        elif config.node_count and config.node_count > 1:
            nodes = config.node_count
        target = config.target  # Azure's default 'local' names a Loom compute target called local
        environment = config.environment
        try:
            if environment is not None and not isinstance(environment, str):
                environment = environment._reference(workspace)
            run = _submit.submit(
                self.source_directory, script=self.script, arguments=self.arguments or None,
                command=command, compute=target, environment=environment, experiment=experiment.name,
                node_count=nodes, process_count_per_node=per_node, distribution=distribution,
                max_duration_seconds=config.max_run_duration_seconds, tags=tags,
                variables=config.environment_variables or None, workspace=workspace.name, client=client)
        except (ValueError, TypeError, FileNotFoundError) as error:
            raise UserErrorException(str(error)) from error
        except LoomError as error:
            if isinstance(error, UserErrorException):
                raise
            if error.status is not None and 400 <= error.status < 500:
                raise UserErrorException._from(error) from error
            raise ExperimentExecutionException._from(error) from error
        from .run import Run
        return Run._submitted(experiment, run)
