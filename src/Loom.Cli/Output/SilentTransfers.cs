namespace Loom.Cli.Output;

/// <summary>Progress for pipes and files: nothing, since a redirected stream gets no live widgets.</summary>
internal sealed class SilentTransfers : ITransferReporter, ITransfer
{
    public static SilentTransfers Instance { get; } = new();

    public ITransfer Start(string description, long? totalBytes) => this;

    public void Report(long bytes, long? totalBytes)
    {
    }

    public void Complete()
    {
    }
}
