using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Loom.Core.Serving;

/// <summary>
/// The data plane, outside <c>/api</c>: <c>POST /endpoints/{ws}/{name}/score</c>, liveness <c>GET /endpoints/{ws}/{name}/</c> and
/// <c>GET /endpoints/{ws}/{name}/swagger.json</c>. They pass the server's token policy (anonymous) and authenticate callers themselves,
/// by endpoint key or Loom token as the endpoint says. The HTTP side of scoring (reading the body, the key check, writing a
/// <see cref="ScoreResult"/> or a problem) is here too, shared with the standalone host of <c>loom serve</c>.
/// </summary>
public static class ScoringEndpoints
{
    public static IEndpointRouteBuilder MapScoring(this IEndpointRouteBuilder app)
    {
        var scoring = app.MapGroup("/endpoints/{ws}/{name}").AllowAnonymous().ExcludeFromDescription();
        scoring.MapPost("/score", Score).WithName("Score");
        scoring.MapGet("/", Liveness).WithName("Liveness");
        scoring.MapGet("/swagger.json", Swagger).WithName("Swagger");
        return app;
    }

    /// <summary>Writes the script's answer as it returned it (body and content type), or a problem.</summary>
    public static Task Score(HttpContext context, string ws, string name, ScoringService scoring) => scoring.ScoreAsync(context, ws, name);

    public static Task Liveness(HttpContext context, string ws, string name, ScoringService scoring) => scoring.LivenessAsync(context, ws, name);

    public static Task Swagger(HttpContext context, string ws, string name, ScoringService scoring) => scoring.SwaggerAsync(context, ws, name);

    /// <summary>
    /// Reads the whole request body into a buffer from <see cref="ArrayPool{T}.Shared"/> (the caller returns it). A body larger than
    /// <paramref name="maxBytes"/> or an empty one is refused: the buffer is then null and <c>Code</c> and <c>Error</c> say why.
    /// <c>Length</c> is the size read (or announced), what telemetry records.
    /// </summary>
    public static async Task<(byte[]? Buffer, int Length, string? Code, string? Error)> ReadBodyAsync(HttpRequest request, int maxBytes,
        CancellationToken cancellationToken)
    {
        var (buffer, length) = await ReadAllAsync(request, maxBytes, cancellationToken);
        if (buffer is null)
            return (null, length, ErrorCodes.PayloadTooLarge, $"The request body is larger than {maxBytes:N0} bytes.");
        if (length > 0) return (buffer, length, null, null);
        ArrayPool<byte>.Shared.Return(buffer);
        return (null, 0, ErrorCodes.InvalidRequest, "The request body is empty; send the input your scoring script's run() expects.");
    }

    /// <summary>Why a caller of a key-mode endpoint may not call it (no <c>Authorization: Bearer</c> header, or not one of its keys), or null when it may.</summary>
    public static string? KeyRefusal(HttpRequest request, ScoringTarget target)
    {
        string? header = request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return "This endpoint takes a key: send 'Authorization: Bearer <key>' with its primary or secondary key (loom endpoint keys).";
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !target.IsKey(header["Bearer ".Length..].Trim()))
            return "The key is not one of the endpoint's keys (or the header is not 'Authorization: Bearer <key>').";
        return null;
    }

    /// <summary>
    /// Writes what the host answered: the script's body with its content type, or the problem of its error code (with
    /// <c>Retry-After</c> when it says when to retry). Returns the response's length and, for an error, its message.
    /// </summary>
    public static async Task<(long Bytes, string? Error)> WriteResultAsync(HttpContext context, ScoreResult result)
    {
        if (result.ErrorCode is null)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = result.ContentType;
            context.Response.ContentLength = result.Body.Length;
            await context.Response.Body.WriteAsync(result.Body, context.RequestAborted);
            return (result.Body.Length, null);
        }
        var error = result.Body.Length == 0 ? result.ErrorCode : Encoding.UTF8.GetString(result.Body.Span);
        if (result.RetryAfter is { } retry)
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return (await WriteProblemAsync(context, result.ErrorCode, error), error);
    }

    /// <summary>Writes a problem with its length set (and <c>WWW-Authenticate</c> for a refusal), and returns that length.</summary>
    public static async Task<long> WriteProblemAsync(HttpContext context, string code, string detail)
    {
        if (context.Response.HasStarted) return 0;
        var problem = Problems.Create(code, detail);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(problem, LoomJsonContext.Default.ProblemDto);
        context.Response.StatusCode = problem.Status!.Value;
        context.Response.ContentType = Problems.ContentType;
        context.Response.ContentLength = bytes.Length;
        if (code == ErrorCodes.Unauthorized) context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        return bytes.Length;
    }

    /// <summary>Reads the whole body into a pooled buffer; a null buffer means it is larger than <paramref name="max"/>.</summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadAllAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max) return (null, (int)Math.Min(request.ContentLength.Value, int.MaxValue));
        // Kestrel's own limit (30,000,000 bytes) would cut a body Loom accepts with an exception; Loom's limit is the one that holds.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = (long)max + 1;
        var buffer = ArrayPool<byte>.Shared.Rent((int)(request.ContentLength ?? 4096) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > max) break;
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0) return (buffer, length);
                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        ArrayPool<byte>.Shared.Return(buffer);
        return (null, length);
    }
}
