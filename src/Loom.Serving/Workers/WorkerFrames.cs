namespace Loom.Serving.Workers;

/// <summary>The kinds of frame a worker sends (first byte), and the response formats (second byte of a response).</summary>
internal static class WorkerFrames
{
    public const byte Ready = 1;
    public const byte InitFailed = 2;
    public const byte Response = 3;
    public const byte RunRaised = 4;

    /// <summary>The body cannot be the input the decorated <c>run()</c> declares; the body is why, for the caller.</summary>
    public const byte InvalidInput = 5;

    public const byte Json = 0;
    public const byte Bytes = 1;
    public const byte Text = 2;

    /// <summary>Bodies up to this size are copied behind their header into one pooled buffer: one write to the pipe.</summary>
    public const int CoalesceLimit = 64 * 1024;

    /// <summary>No worker frame may be larger (a corrupt length would otherwise allocate gigabytes).</summary>
    public const int MaxFrame = 1 << 30;
}
