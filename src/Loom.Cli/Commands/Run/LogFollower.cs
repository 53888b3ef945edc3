using System.Text;
using System.Text.Json;
using Loom.Cli.Output;
using Loom.Client;
using Loom.Contracts;

namespace Loom.Cli.Commands.Run;

/// <summary>
/// Streams one or more logs of a run to the console until the run ends. With several files each line is prefixed
/// with its file, and lines are only written whole so files never interleave mid-line.
/// </summary>
internal sealed class LogFollower(LoomClient client, string workspace, string runId, IConsoleOutput output, bool json)
{
    private static readonly TimeSpan ReconnectFor = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    public async Task FollowAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var ends = await Task.WhenAll(files.Select(f => FollowOneAsync(f, prefixed: files.Count > 1, cancellationToken)));
        if (!json && ends.FirstOrDefault(e => e is not null) is { } end)
            output.WriteError($"run {runId} finished: {end.Status}");
    }

    /// <summary>
    /// Follows one file to the run's end. A stream cut short (a server restart, a proxy timeout) is resumed from the
    /// last byte received, for up to <see cref="ReconnectFor"/> without an answer.
    /// </summary>
    private async Task<LogEnd?> FollowOneAsync(string file, bool prefixed, CancellationToken cancellationToken)
    {
        var pending = new StringBuilder();
        long offset = 0;
        var failingSince = (DateTime?)null;
        while (true)
        {
            try
            {
                await foreach (var item in client.Logs.FollowAsync(workspace, runId, file, offset, cancellationToken))
                {
                    failingSince = null;
                    if (item is LogChunk chunk) offset = chunk.Offset + Encoding.UTF8.GetByteCount(chunk.Text);
                    if (Show(item, file, prefixed, pending) is { } end) return end;
                }
                return null;
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                failingSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - failingSince > ReconnectFor) throw;
                await Task.Delay(ReconnectDelay, cancellationToken);
            }
        }
    }

    /// <summary>Writes one event; the run's end when it is one.</summary>
    private LogEnd? Show(LogEvent item, string file, bool prefixed, StringBuilder pending)
    {
        switch (item)
        {
            case LogChunk chunk when json:
                output.WriteLine(JsonSerializer.Serialize(new { file, offset = chunk.Offset, text = chunk.Text }, LoomJson.Options));
                break;
            case LogChunk chunk when !prefixed:
                output.Write(chunk.Text);
                break;
            case LogChunk chunk:
                pending.Append(chunk.Text);
                WriteWholeLines(file, pending);
                break;
            case LogEnd end:
                if (json) output.WriteLine(JsonSerializer.Serialize(new { file, status = end.Status, length = end.Length }, LoomJson.Options));
                else if (pending.Length > 0) output.WriteLine($"[{file}] {pending}");
                return end;
        }
        return null;
    }

    private void WriteWholeLines(string file, StringBuilder pending)
    {
        var text = pending.ToString();
        var last = text.LastIndexOf('\n');
        if (last < 0) return;
        var lines = text[..last].Split('\n');
        output.Write(string.Concat(lines.Select(line => $"[{file}] {line.TrimEnd('\r')}{Environment.NewLine}")));
        pending.Remove(0, last + 1);
    }
}
