"""``ComputeTarget`` and ``AmlCompute`` on Loom's compute targets (``/computes``)."""

from loom import ConflictError, LoomError, NotFoundError

from ...exceptions import ComputeTargetException

__all__ = ["ComputeTarget", "AmlCompute", "AmlComputeProvisioningConfiguration"]


class ComputeTarget:
    """A compute target of a workspace: ``ComputeTarget(workspace=ws, name="cpu")``.

    Raises ComputeTargetException when the workspace has no target of that name. ``type`` is
    Loom's (``local`` or ``attached``); ``provisioning_state`` is always ``Succeeded``.
    """

    def __init__(self, workspace, name):
        client = workspace._require_client()
        try:
            doc = client.get_compute(name, workspace.name)
        except NotFoundError as error:
            raise ComputeTargetException._from(
                error, "ComputeTargetNotFound: Compute Target with name %s not found in provided "
                       "workspace %s" % (name, workspace.name)) from error
        self._bind(workspace, doc)

    def _bind(self, workspace, doc):
        self.workspace = workspace
        self._doc = doc
        self.name = doc["name"]
        self.type = doc["type"]
        self.provisioning_state = "Succeeded"

    @classmethod
    def _from_doc(cls, workspace, doc):
        target = cls.__new__(cls)
        target._bind(workspace, doc)
        return target

    @property
    def min_nodes(self):
        """Nodes kept when idle."""
        return self._doc.get("minNodes")

    @property
    def max_nodes(self):
        """Most nodes (agents) the target runs at once."""
        return self._doc.get("maxNodes")

    @property
    def idle_seconds_before_scaledown(self):
        """Idle time before a node above ``min_nodes`` is stopped."""
        return self._doc.get("idleSeconds")

    @staticmethod
    def create(workspace, name, provisioning_configuration):
        """Create compute target ``name`` from a provisioning configuration (see
        :meth:`AmlCompute.provisioning_configuration`); ComputeTargetException when it exists."""
        config = provisioning_configuration
        try:
            doc = workspace._require_client().create_compute(
                name, config.type, min_nodes=config.min_nodes, max_nodes=config.max_nodes,
                idle_seconds=config.idle_seconds_before_scaledown, description=config.description,
                tags=config.tags, workspace=workspace.name)
        except ConflictError as error:
            raise ComputeTargetException._from(
                error, "Compute target %s already exists in workspace %s" % (name, workspace.name)) from error
        except LoomError as error:
            raise ComputeTargetException._from(error) from error
        return AmlCompute._from_doc(workspace, doc) if config.type == "local" else ComputeTarget._from_doc(workspace, doc)

    @staticmethod
    def list(workspace):
        """Every compute target of the workspace."""
        return [ComputeTarget._from_doc(workspace, doc)
                for doc in workspace._require_client().list_computes(workspace.name)]

    def refresh_state(self):
        """Read the target again (nodes, queue length)."""
        self._doc = self.workspace._require_client().get_compute(self.name, self.workspace.name)

    def get_status(self):
        """The target as the server describes it (nodes with their state, queue length)."""
        self.refresh_state()
        return self._doc

    def wait_for_completion(self, show_output=False, min_node_count=None, timeout_in_minutes=20,
                            is_delete_operation=False):
        """Loom's targets are ready when created; prints Azure's closing line with ``show_output``."""
        if show_output:
            print("Succeeded\nProvisioning operation finished, operation \"Succeeded\"")

    def delete(self):
        """Delete the target."""
        try:
            self.workspace._require_client().delete_compute(self.name, self.workspace.name)
        except LoomError as error:
            raise ComputeTargetException._from(error) from error

    def serialize(self):
        """The target's document."""
        return dict(self._doc)

    def __repr__(self):
        return "%s(workspace=%r, name=%s, type=%s)" % (type(self).__name__, self.workspace, self.name, self.type)


class AmlComputeProvisioningConfiguration:
    """What :meth:`ComputeTarget.create` makes: a Loom ``local`` target with these node counts
    (``vm_size`` and the other Azure settings are accepted and not used)."""

    def __init__(self, min_nodes=0, max_nodes=None, idle_seconds_before_scaledown=None,
                 description=None, tags=None, type="local", **kwargs):
        self.min_nodes = min_nodes
        self.max_nodes = max_nodes
        self.idle_seconds_before_scaledown = idle_seconds_before_scaledown
        self.description = description
        self.tags = tags
        self.type = type


class AmlCompute(ComputeTarget):
    """Azure ML's managed cluster; on Loom a ``local`` target whose agents the server starts."""

    @staticmethod
    def provisioning_configuration(vm_size="", vm_priority="dedicated", min_nodes=0, max_nodes=None,
                                   idle_seconds_before_scaledown=None, admin_username=None,
                                   admin_user_password=None, admin_user_ssh_key=None, vnet_resourcegroup_name=None,
                                   vnet_name=None, subnet_name=None, tags=None, description=None,
                                   remote_login_port_public_access="NotSpecified", identity_type=None,
                                   identity_id=None, location=None, enable_node_public_ip=True):
        """A configuration for :meth:`ComputeTarget.create`."""
        return AmlComputeProvisioningConfiguration(min_nodes, max_nodes, idle_seconds_before_scaledown,
                                                   description, tags)
