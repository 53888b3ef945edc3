using System.Text.Json;
using Loom.Contracts;
using Microsoft.AspNetCore.Http;

namespace Loom.Core.Hosting;

/// <summary>Writes RFC 7807 problems with Loom's stable <c>code</c> field.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ProblemDto Create(string code, string detail) =>
        new($"https://loom.dev/problems/{code}", TitleOf(code), ErrorCodes.StatusOf(code), detail, code);

    public static async Task WriteAsync(HttpContext context, string code, string detail)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = ErrorCodes.StatusOf(code);
        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, Create(code, detail), LoomJsonContext.Default.ProblemDto, context.RequestAborted);
    }

    private static string TitleOf(string code)
    {
        var words = code.Replace('_', ' ');
        return char.ToUpperInvariant(words[0]) + words[1..];
    }
}
