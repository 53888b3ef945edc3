using Loom.Contracts;

namespace Loom.Client;

/// <summary>404: the resource does not exist.</summary>
public sealed class LoomNotFoundException(int status, string code, string detail, ProblemDto? problem = null)
    : LoomApiException(status, code, detail, problem);
