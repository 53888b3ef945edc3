using System.Net.Http.Headers;
using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Core.Tracking;

public static class LogEndpoints
{
    public static IEndpointRouteBuilder MapLogs(this IEndpointRouteBuilder app)
    {
        var logs = app.MapGroup("/api/v1/workspaces/{ws}/runs/{runId}/logs").WithTags("Logs");
        logs.MapGet("", ListLogs).WithName("ListLogs");
        logs.MapPost("/{**file}", AppendLog).WithName("AppendLog");
        logs.MapGet("/{**file}", ReadLog).WithName("ReadLog");
        return app;
    }

    public static async Task<Ok<ListResult<LogFileDto>>> ListLogs(WorkspaceScope scope, string runId, LogService logs, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResult<LogFileDto>(await logs.ListAsync(scope.Id, runId, cancellationToken)));

    public static async Task<Ok<LogFileDto>> AppendLog(WorkspaceScope scope, string runId, string file, long? offset, HttpRequest request,
        LogService logs, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > LogService.MaxChunk)
            throw new LoomException(ErrorCodes.PayloadTooLarge, $"A log chunk is at most {LogService.MaxChunk:N0} bytes.");
        return TypedResults.Ok(await logs.AppendAsync(scope.Id, runId, CatchAllPath.Decode(file), offset, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken));
    }

    public static async Task<Results<FileContentHttpResult, ServerSentEventsResult<string>>> ReadLog(WorkspaceScope scope, string runId, string file,
        long? offset, long? length, bool? follow, HttpContext context, LogService logs, CancellationToken cancellationToken)
    {
        file = CatchAllPath.Decode(file);
        if (follow == true)
        {
            // A stopping server ends its followers' streams at once rather than holding its shutdown for them.
            var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken,
                context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            context.Response.RegisterForDispose(stopping);
            return TypedResults.ServerSentEvents(logs.FollowAsync(scope.Id, runId, file, offset ?? 0, stopping.Token));
        }
        var range = ParseRange(context.Request.Headers.Range.FirstOrDefault());
        var start = range?.From ?? offset ?? 0;
        var count = range is { To: { } to } ? to - start + 1 : length;
        var (data, total) = await logs.ReadAsync(scope.Id, runId, file, start, count, cancellationToken);
        if (range is not null)
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {start}-{start + data.Length - 1}/{total}";
        }
        context.Response.Headers["Loom-Log-Length"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Bytes(data, "text/plain; charset=utf-8");
    }

    private static RangeItemHeaderValue? ParseRange(string? header)
    {
        if (header is null) return null;
        if (!RangeHeaderValue.TryParse(header, out var parsed) || parsed.Unit != "bytes" || parsed.Ranges.Count != 1
            || parsed.Ranges.First().From is null)
            throw new LoomException(ErrorCodes.InvalidRequest, $"Range '{header}' is not supported; use 'bytes=<from>-[<to>]'.");
        return parsed.Ranges.First();
    }
}
