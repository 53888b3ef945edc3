using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Tracking;

public sealed class LogService(ILogStore store, RunService runs, LogNotifier notifier)
{
    public const int MaxChunk = 4 * 1024 * 1024;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public async Task<LogFileDto> AppendAsync(long workspaceId, string runId, string file, long? offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        Validate.RelativePath(file);
        if (offset is < 0) throw new LoomException(ErrorCodes.InvalidRequest, "offset must not be negative.");
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        var length = await store.AppendAsync(run.Seq, file, offset, data, cancellationToken);
        notifier.Signal(run.Seq);
        return new LogFileDto(file, length);
    }

    public async Task<IReadOnlyList<LogFileDto>> ListAsync(long workspaceId, string runId, CancellationToken cancellationToken)
    {
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        return await store.ListAsync(run.Seq, cancellationToken);
    }

    /// <summary>Reads a byte range; returns the bytes and the file's total length.</summary>
    public async Task<(byte[] Data, long Length)> ReadAsync(long workspaceId, string runId, string file, long offset, long? length, CancellationToken cancellationToken)
    {
        Validate.RelativePath(file);
        if (offset < 0 || length is < 0) throw new LoomException(ErrorCodes.InvalidRequest, "offset and length must not be negative.");
        var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
        var total = await store.LengthAsync(run.Seq, file, cancellationToken) ?? throw NotFound(runId, file);
        var data = await store.ReadAsync(run.Seq, file, offset, length ?? total - offset, cancellationToken);
        return (data, total);
    }

    /// <summary>
    /// Streams a log as it grows: a <c>chunk</c> event per new piece of text, then <c>end</c> once the run
    /// has finished and everything was sent. Ends early only when the caller goes away.
    /// </summary>
    public async IAsyncEnumerable<SseItem<string>> FollowAsync(long workspaceId, string runId, string file, long offset,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Validate.RelativePath(file);
        var decoder = Encoding.UTF8.GetDecoder();
        while (!cancellationToken.IsCancellationRequested)
        {
            // Read the status before the length: a run seen finished has written all its logs by then.
            var run = await runs.FindAsync(workspaceId, runId, cancellationToken);
            var length = await store.LengthAsync(run.Seq, file, cancellationToken) ?? 0;
            while (offset < length)
            {
                var data = await store.ReadAsync(run.Seq, file, offset, Math.Min(length - offset, 256 * 1024), cancellationToken);
                if (data.Length == 0) break;
                var chars = new char[decoder.GetCharCount(data, flush: false)];
                decoder.GetChars(data, chars, flush: false);
                yield return new SseItem<string>(JsonSerializer.Serialize(new { offset, text = new string(chars) }), "chunk");
                offset += data.Length;
            }
            if (run.Status.IsTerminal())
            {
                yield return new SseItem<string>(JsonSerializer.Serialize(new { status = run.Status.ToString(), length = offset }), "end");
                yield break;
            }
            // Stopping (the caller left, or the server is stopping) ends the stream without an 'end' event: clients resume from their offset.
            try { await notifier.WaitAsync(run.Seq, PollInterval, cancellationToken); }
            catch (OperationCanceledException) { yield break; }
        }
    }

    private static LoomException NotFound(string runId, string file) =>
        new(ErrorCodes.LogNotFound, $"Run '{runId}' has no log '{file}'.");
}
