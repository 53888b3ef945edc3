using Loom.Contracts;

namespace Loom.Client;

/// <summary>400, 413 or 422: the request was rejected as invalid.</summary>
public sealed class LoomValidationException(int status, string code, string detail, ProblemDto? problem = null)
    : LoomApiException(status, code, detail, problem);
