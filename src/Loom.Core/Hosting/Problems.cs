using System.Text.Json;
using Loom.Contracts;
using Microsoft.AspNetCore.Http;

namespace Loom.Core.Hosting;

/// <summary>Writes RFC 7807 problems with Loom's stable <c>code</c> field.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ProblemDto Create(string code, string detail, int? status = null) =>
        new($"https://loom.dev/problems/{code}", TitleOf(code), status ?? ErrorCodes.StatusOf(code), detail, code);

    /// <summary>Writes a problem; <paramref name="status"/> overrides the code's usual status.</summary>
    public static async Task WriteAsync(HttpContext context, string code, string detail, int? status = null)
    {
        if (context.Response.HasStarted) return;
        var problem = Create(code, detail, status);
        context.Response.StatusCode = problem.Status!.Value;
        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, LoomJsonContext.Default.ProblemDto, context.RequestAborted);
    }

    private static string TitleOf(string code)
    {
        var words = code.Replace('_', ' ');
        return char.ToUpperInvariant(words[0]) + words[1..];
    }
}
