namespace Loom.Serving.Workers;

/// <summary>
/// How a worker's start went: ready (with the decorators' schema and sample as JSON text, when declared) or failed
/// (with the traceback or the reason), and what it printed meanwhile.
/// </summary>
internal sealed record WorkerStart(bool Ready, string? Schema, string? Sample, string? Failure, string Output);
