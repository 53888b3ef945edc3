using Loom.Contracts;

namespace Loom.Core.Common;

/// <summary>A failure the caller caused or can act on; mapped to an RFC 7807 problem with <see cref="Code"/>.</summary>
public sealed class LoomException(string code, string detail) : Exception(detail)
{
    public string Code { get; } = code;
    public int Status => ErrorCodes.StatusOf(Code);

    public static LoomException NotFound(string code, string what, string name) =>
        new(code, $"{what} '{name}' does not exist.");
}
