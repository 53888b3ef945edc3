namespace Loom.Serving.Workers;

/// <summary>What a worker did with one request.</summary>
internal enum ReplyKind
{
    Ok,
    RunRaised,

    /// <summary>The body is not the input the script declares (the caller's mistake; the worker goes on).</summary>
    InvalidInput,
    Crashed,
    TimedOut,

    /// <summary>The reply was longer than the deployment's response limit (the worker is replaced).</summary>
    TooLarge,
}

/// <summary>A worker's answer: the body and its format (for <see cref="ReplyKind.Ok"/>) or the error text.</summary>
internal readonly record struct WorkerReply(ReplyKind Kind, byte Format, byte[] Body, string? Error);
