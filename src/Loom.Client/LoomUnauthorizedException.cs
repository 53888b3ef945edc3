using Loom.Contracts;

namespace Loom.Client;

/// <summary>401: the token is missing, unknown or revoked.</summary>
public sealed class LoomUnauthorizedException(int status, string code, string detail, ProblemDto? problem = null)
    : LoomApiException(status, code, detail, problem);
