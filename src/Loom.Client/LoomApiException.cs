using Loom.Contracts;

namespace Loom.Client;

/// <summary>The server answered with an RFC 7807 problem; <see cref="Code"/> is its stable error code.</summary>
public class LoomApiException(int status, string code, string detail, ProblemDto? problem = null)
    : Exception($"{detail} ({code})")
{
    /// <summary>The HTTP status of the answer.</summary>
    public int Status { get; } = status;

    /// <summary>The stable error code, one of <see cref="ErrorCodes"/>.</summary>
    public string Code { get; } = code;

    /// <summary>The human-readable explanation of this occurrence.</summary>
    public string Detail { get; } = detail;

    /// <summary>The problem as received, when the body was one.</summary>
    public ProblemDto? Problem { get; } = problem;
}
