using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Compute;

/// <summary>Checks a compute target's type and scaling policy; every failure is <c>invalid_compute</c>.</summary>
public static class ComputeRules
{
    public const int DefaultMinNodes = 0;
    public const int DefaultMaxNodes = 1;
    public const int DefaultIdleSeconds = 120;
    public const int MaxNodesLimit = 1000;
    public const int MaxDescriptionLength = 10_000;

    /// <summary>The supported type in lower case; throws naming the supported types otherwise.</summary>
    public static string Type(string? type)
    {
        var supported = ComputeTypes.Supported.FirstOrDefault(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase));
        return supported ?? throw Invalid(type is null
            ? $"type is required: one of {string.Join(", ", ComputeTypes.Supported)}."
            : $"type '{Short(type)}' is not supported: use one of {string.Join(", ", ComputeTypes.Supported)} (ssh, slurm and kubernetes come later).");
    }

    /// <summary>Checks a whole target, as created or as a change would leave it.</summary>
    public static ComputeRecord Check(ComputeRecord compute)
    {
        if (compute.MinNodes < 0) throw Invalid($"minNodes is {compute.MinNodes}; it must be 0 or more.");
        if (compute.MaxNodes is < 1 or > MaxNodesLimit) throw Invalid($"maxNodes is {compute.MaxNodes}; it must be from 1 to {MaxNodesLimit}.");
        if (compute.MaxNodes < compute.MinNodes)
            throw Invalid($"maxNodes ({compute.MaxNodes}) must be at least minNodes ({compute.MinNodes}).");
        if (compute.IdleSeconds < 0) throw Invalid($"idleSeconds is {compute.IdleSeconds}; it must be 0 or more.");
        if (compute.Description is { Length: > MaxDescriptionLength })
            throw new LoomException(ErrorCodes.InvalidRequest, $"description is limited to {MaxDescriptionLength:N0} characters.");
        Validate.KeyValues(compute.Tags, "Tag");
        return compute;
    }

    private static string Short(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static LoomException Invalid(string detail) => new(ErrorCodes.InvalidCompute, detail);
}
