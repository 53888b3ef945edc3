using System.Text.Json;
using Loom.Blobs;
using Loom.Contracts;
using Loom.Core.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Hosting;

/// <summary>Maps every exception to a problem: Loom's own codes, bad request bodies, and a logged 500 for the rest.</summary>
public sealed partial class LoomExceptionHandler(ILogger<LoomExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (code, detail) = exception switch
        {
            LoomException loom => (loom.Code, loom.Message),
            BadHttpRequestException { StatusCode: 413 } => (ErrorCodes.PayloadTooLarge, "The request body is too large."),
            BadHttpRequestException bad when bad.InnerException is JsonException json => (ErrorCodes.InvalidJson, JsonDetail(json)),
            BadHttpRequestException bad when bad.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) => (ErrorCodes.InvalidJson, bad.Message),
            BadHttpRequestException bad => (ErrorCodes.InvalidRequest, bad.Message),
            JsonException json => (ErrorCodes.InvalidJson, JsonDetail(json)),
            BlobHashMismatchException mismatch => (ErrorCodes.InvalidRequest, mismatch.Message),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => ("", ""),
            _ => (ErrorCodes.InternalError, "An unexpected error occurred; it has been logged."),
        };
        if (code == "") return true;
        if (code == ErrorCodes.InternalError) LogUnhandled(logger, context.Request.Method, context.Request.Path, exception);
        await Problems.WriteAsync(context, code, detail);
        return true;
    }

    private static string JsonDetail(JsonException json) =>
        $"The request body is not valid JSON for this call: {json.Message}";

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
