using Loom.Contracts;

namespace Loom.Core.Workspaces;

/// <summary>
/// Endpoint metadata naming the workspace role a call needs. Without it, reads (GET) need
/// <see cref="Role.Reader"/> and everything else <see cref="Role.Contributor"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class RequiresRoleAttribute(Role role) : Attribute
{
    public Role Role { get; } = role;
}
