using System.Net.Http.Json;
using System.Text.Json;
using Loom.Contracts;

namespace Loom.Client.Http;

/// <summary>Turns an error response into the typed exception for its status.</summary>
internal static class ProblemReader
{
    public static async Task<LoomApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var problem = await ReadProblemAsync(response, cancellationToken);
        var code = problem?.Code ?? FallbackCode(status);
        var detail = problem?.Detail ?? problem?.Title ?? $"The server answered {status} {response.ReasonPhrase}.";
        return status switch
        {
            400 or 413 or 422 => new LoomValidationException(status, code, detail, problem),
            401 => new LoomUnauthorizedException(status, code, detail, problem),
            403 => new LoomForbiddenException(status, code, detail, problem),
            404 => new LoomNotFoundException(status, code, detail, problem),
            409 => new LoomConflictException(status, code, detail, problem),
            _ => new LoomApiException(status, code, detail, problem),
        };
    }

    private static async Task<ProblemDto?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            return await response.Content.ReadFromJsonAsync(LoomJsonContext.Default.ProblemDto, cancellationToken);
        }
        catch (JsonException)
        {
            // A proxy's error page dressed as JSON: the status alone has to do.
            return null;
        }
    }

    private static string FallbackCode(int status) => status switch
    {
        401 => ErrorCodes.Unauthorized,
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.NotFound,
        405 => ErrorCodes.MethodNotAllowed,
        413 => ErrorCodes.PayloadTooLarge,
        502 or 503 or 504 => ErrorCodes.Unavailable,
        >= 500 => ErrorCodes.InternalError,
        _ => ErrorCodes.InvalidRequest,
    };
}
