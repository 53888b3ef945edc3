namespace Loom.Cli.Output;

/// <summary>Hands out one progress line per transfer.</summary>
public interface ITransferReporter
{
    /// <summary>Starts showing a transfer of <paramref name="totalBytes"/> (unknown when null).</summary>
    ITransfer Start(string description, long? totalBytes);
}
