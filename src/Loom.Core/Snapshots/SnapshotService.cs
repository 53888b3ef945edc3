using System.IO.Compression;
using System.Text;
using Loom.Blobs;
using Loom.Contracts;
using Loom.Core.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loom.Core.Snapshots;

/// <summary>
/// Code snapshots: file bytes are content-addressed blobs, a snapshot is a manifest of them stored as a
/// blob under its own hash, and the metadata store records which workspace holds which snapshot.
/// </summary>
public sealed partial class SnapshotService(ISnapshotStore store, IBlobStore blobs, IOptions<SnapshotOptions> options,
    TimeProvider time, ILogger<SnapshotService> logger)
{
    private const int MissingListed = 20;
    private const int LargestListed = 5;

    /// <summary>The hashes among <paramref name="hashes"/> the blob store lacks, each once, in request order.</summary>
    public async Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string>? hashes, CancellationToken cancellationToken)
    {
        if (hashes is null) throw new LoomException(ErrorCodes.InvalidRequest, "The request needs a 'sha256' list.");
        if (hashes.Count > options.Value.MaxMissingQuery)
            throw new LoomException(ErrorCodes.BatchTooLarge, $"Ask about at most {options.Value.MaxMissingQuery} hashes per call, not {hashes.Count}.");
        var missing = new List<string>();
        foreach (var hash in hashes.Distinct(StringComparer.Ordinal))
            if (!await blobs.ExistsAsync(SnapshotManifest.Sha256(hash), cancellationToken)) missing.Add(hash);
        return missing;
    }

    /// <summary>Stores one blob whose bytes must hash to <paramref name="sha256"/>.</summary>
    public async Task<BlobDto> PutBlobAsync(string sha256, Stream content, CancellationToken cancellationToken)
    {
        SnapshotManifest.Sha256(sha256);
        try
        {
            var blob = await blobs.PutAsync(content, sha256, cancellationToken);
            return new BlobDto(blob.Sha256, blob.Size);
        }
        catch (BlobHashMismatchException e)
        {
            throw new LoomException(ErrorCodes.HashMismatch, e.Message);
        }
    }

    private const int ConcurrentBlobWrites = 4;
    private const long InMemoryFrameBytes = 4 << 20;

    /// <summary>Stores every blob of a batch (see <see cref="BlobBatchReader"/>), each checked against its digest.</summary>
    public async Task<IReadOnlyList<BlobDto>> PutBlobBatchAsync(Stream body, CancellationToken cancellationToken)
    {
        // Small frames are read into memory and written (hashed, flushed to disk, renamed) a few at a time while the
        // next frames arrive; a large one streams straight to its file.
        var writes = new List<Task<BlobDto>>();
        using var slots = new SemaphoreSlim(ConcurrentBlobWrites);
        try
        {
            await BlobBatchReader.ReadAsync(body, options.Value.MaxBytes, async (sha, content) =>
            {
                if (content.Length > InMemoryFrameBytes)
                {
                    writes.Add(Task.FromResult(await PutBlobAsync(sha, content, cancellationToken)));
                    return;
                }
                var bytes = new byte[content.Length];
                await content.ReadExactlyAsync(bytes, cancellationToken);
                await slots.WaitAsync(cancellationToken);
                writes.Add(Task.Run(async () =>
                {
                    try { return await PutBlobAsync(sha, new MemoryStream(bytes, writable: false), cancellationToken); }
                    finally { slots.Release(); }
                }, cancellationToken));
            }, cancellationToken);
        }
        finally
        {
            // Every write has finished (or failed) before the answer, so nothing is left writing behind it.
            await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        return await Task.WhenAll(writes);
    }

    /// <summary>Stores a manifest whose blobs are all present; the same manifest always gives the same id and is stored once.</summary>
    public async Task<SnapshotCreatedDto> CreateAsync(long workspaceId, IReadOnlyList<SnapshotEntryDto>? entries, CancellationToken cancellationToken)
    {
        var sorted = SnapshotManifest.Normalize(entries);
        var bytes = sorted.Sum(e => e.Size);
        var limits = options.Value;
        if (sorted.Count > limits.MaxFiles || bytes > limits.MaxBytes)
            throw new LoomException(ErrorCodes.SnapshotTooLarge,
                $"The snapshot has {sorted.Count} files and {bytes} bytes; the limits are {limits.MaxFiles} files and {limits.MaxBytes} bytes. " +
                $"Largest files: {Largest(sorted)}. Leave files out with .amlignore, .loomignore or .gitignore.");
        var canonical = SnapshotManifest.Canonical(sorted);
        var id = Hashes.Sha256Hex(canonical);
        if (await store.FindAsync(workspaceId, id, cancellationToken) is { } existing)
            return new SnapshotCreatedDto(existing.Id, existing.Files, existing.Bytes);

        var missing = await MissingAsync(sorted.Select(e => e.Sha256).ToList(), cancellationToken);
        if (missing.Count > 0)
            throw new LoomException(ErrorCodes.SnapshotIncomplete,
                $"{missing.Count} of the snapshot's blobs are not uploaded: {string.Join(", ", missing.Take(MissingListed))}" +
                (missing.Count > MissingListed ? ", ..." : "") + ". Upload them with PUT /blobs/{sha256} first.");

        await blobs.PutAsync(new MemoryStream(canonical, writable: false), id, cancellationToken);
        await store.AddAsync(workspaceId, new SnapshotRecord(id, sorted.Count, bytes, Times.Now(time)), cancellationToken);
        LogCreated(logger, id, sorted.Count, bytes);
        return new SnapshotCreatedDto(id, sorted.Count, bytes);
    }

    /// <summary>A snapshot's counts without its entries: how a client learns cheaply that a folder is stored already.</summary>
    public async Task<SnapshotDto> GetSummaryAsync(long workspaceId, string id, CancellationToken cancellationToken)
    {
        SnapshotManifest.Sha256(id);
        var record = await store.FindAsync(workspaceId, id, cancellationToken)
            ?? throw LoomException.NotFound(ErrorCodes.SnapshotNotFound, "Snapshot", id);
        return new SnapshotDto(record.Id, record.Files, record.Bytes, record.CreatedTime, []);
    }

    public async Task<SnapshotDto> GetAsync(long workspaceId, string id, CancellationToken cancellationToken)
    {
        var (record, entries) = await LoadAsync(workspaceId, id, cancellationToken);
        return new SnapshotDto(record.Id, record.Files, record.Bytes, record.CreatedTime, entries);
    }

    /// <summary>Checks the snapshot exists and returns its entries (for a streamed zip, before the response starts).</summary>
    public async Task<IReadOnlyList<SnapshotEntryDto>> EntriesAsync(long workspaceId, string id, CancellationToken cancellationToken) =>
        (await LoadAsync(workspaceId, id, cancellationToken)).Entries;

    public async Task<(SnapshotEntryDto Entry, Stream Content)> OpenFileAsync(long workspaceId, string id, string path, CancellationToken cancellationToken)
    {
        Validate.RelativePath(path);
        var entries = await EntriesAsync(workspaceId, id, cancellationToken);
        var entry = entries.FirstOrDefault(e => e.Path == path)
            ?? throw new LoomException(ErrorCodes.NotFound, $"Snapshot '{id}' has no file '{path}'.");
        var content = await blobs.OpenReadAsync(entry.Sha256, cancellationToken)
            ?? throw new LoomException(ErrorCodes.NotFound, $"The content of '{path}' in snapshot '{id}' is gone from the blob store.");
        return (entry, content);
    }

    /// <summary>Writes the snapshot's files as a zip to <paramref name="output"/>, modes kept in the Unix external attributes.</summary>
    public async Task WriteZipAsync(IReadOnlyList<SnapshotEntryDto> entries, Stream output, CancellationToken cancellationToken)
    {
        const int regularFile = 0x8000; // S_IFREG
        var body = new SyncBufferingStream(output);
        await using (var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8, cancellationToken))
        {
            foreach (var e in entries)
            {
                var entry = zip.CreateEntry(e.Path, CompressionLevel.Fastest);
                entry.ExternalAttributes = (regularFile | e.Mode) << 16;
                await using (var target = await entry.OpenAsync(cancellationToken))
                {
                    await using var source = await blobs.OpenReadAsync(e.Sha256, cancellationToken)
                        ?? throw new InvalidOperationException($"Blob {e.Sha256} of '{e.Path}' is gone from the blob store.");
                    await source.CopyToAsync(target, cancellationToken);
                }
                await body.DrainAsync(cancellationToken);
            }
        }
        await body.FlushAsync(cancellationToken);
    }

    private async Task<(SnapshotRecord Record, IReadOnlyList<SnapshotEntryDto> Entries)> LoadAsync(long workspaceId, string id, CancellationToken cancellationToken)
    {
        var record = IsHash(id) ? await store.FindAsync(workspaceId, id, cancellationToken) : null;
        if (record is null) throw LoomException.NotFound(ErrorCodes.SnapshotNotFound, "Snapshot", id);
        await using var manifest = await blobs.OpenReadAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"The manifest of snapshot {id} is gone from the blob store.");
        var text = await new StreamReader(manifest, Encoding.UTF8).ReadToEndAsync(cancellationToken);
        return (record, SnapshotManifest.Parse(text));
    }

    private static bool IsHash(string id) => id.Length == 64 && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static string Largest(IReadOnlyList<SnapshotEntryDto> entries) =>
        string.Join(", ", entries.OrderByDescending(e => e.Size).ThenBy(e => e.Path, StringComparer.Ordinal)
            .Take(LargestListed).Select(e => $"{e.Path} ({e.Size} bytes)"));

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Snapshot {SnapshotId} stored: {Files} files, {Bytes} bytes")]
    private static partial void LogCreated(ILogger logger, string snapshotId, int files, long bytes);
}
