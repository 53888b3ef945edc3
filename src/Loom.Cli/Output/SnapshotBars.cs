using Loom.Client.Snapshots;

namespace Loom.Cli.Output;

/// <summary>
/// One progress bar per phase of a snapshot-style upload (hashing what the hash cache does not know, uploading what the
/// server lacks), each started when its phase first reports; reports come from several threads.
/// </summary>
internal sealed class SnapshotBars(ITransferReporter progress, string label)
{
    private readonly Dictionary<string, ITransfer> bars = [];
    private readonly Lock gate = new();

    public void Report(SnapshotProgress p)
    {
        lock (gate)
        {
            if (!bars.TryGetValue(p.Phase, out var bar)) bars[p.Phase] = bar = progress.Start($"{p.Phase} {label}", p.Total);
            bar.Report(p.Done, p.Total);
        }
    }

    public void Complete()
    {
        lock (gate)
            foreach (var bar in bars.Values) bar.Complete();
    }
}
