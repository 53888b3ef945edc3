using Loom.Contracts;

namespace Loom.Client;

/// <summary>409: the call conflicts with the resource's state.</summary>
public sealed class LoomConflictException(int status, string code, string detail, ProblemDto? problem = null)
    : LoomApiException(status, code, detail, problem);
