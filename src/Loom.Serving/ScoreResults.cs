using System.Globalization;
using System.Text;
using Loom.Contracts;
using Loom.Core.Serving;

namespace Loom.Serving;

/// <summary>The results the host gives besides a script's own.</summary>
internal static class ScoreResults
{
    public const string Json = "application/json";
    public const string Bytes = "application/octet-stream";
    public const string Text = "text/plain; charset=utf-8";

    public const string ScoringError = "scoring_error";
    public const string InvalidInput = ErrorCodes.InvalidScoringInput;
    public const string WorkerCrashed = "worker_crashed";
    public const string ScoringTimeout = "scoring_timeout";
    public const string Overloaded = "overloaded";
    public const string NotReady = "deployment_not_ready";

    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public static readonly Task<ScoreResult> OverloadedTask = Task.FromResult(
        Error(Overloaded, "The deployment has as many requests as it may hold; retry shortly.", RetryAfter));

    public static readonly Task<ScoreResult> NotReadyTask = Task.FromResult(
        Error(NotReady, "The deployment has no generation serving."));

    public static ScoreResult Error(string code, string message, TimeSpan? retryAfter = null) =>
        new(code, Encoding.UTF8.GetBytes(message), Text, retryAfter);

    public static ScoreResult Timeout(int timeoutMs) => Error(ScoringTimeout, string.Create(CultureInfo.InvariantCulture,
        $"Scoring took longer than the deployment's request timeout of {timeoutMs} ms; the worker was stopped and is being replaced."));
}
