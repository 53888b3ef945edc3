using Loom.Contracts;

namespace Loom.Client;

/// <summary>403: the token's role does not allow the call.</summary>
public sealed class LoomForbiddenException(int status, string code, string detail, ProblemDto? problem = null)
    : LoomApiException(status, code, detail, problem);
