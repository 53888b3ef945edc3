using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Tracking;

namespace Loom.Store;

public sealed class SqlArtifactStore(LoomDatabase db) : IArtifactStore
{
    private const string Columns = "path, size, sha256, content_type, created_ms";

    public Task UpsertAsync(long runSeq, ArtifactDto artifact, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) => c.Execute(t,
            "INSERT INTO artifacts (run_seq, path, sha256, size, content_type, created_ms) VALUES (@runSeq, @Path, @Sha256, @Size, @ContentType, @ms) " +
            "ON CONFLICT (run_seq, path) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, content_type = excluded.content_type, created_ms = excluded.created_ms",
            new { runSeq, artifact.Path, artifact.Sha256, artifact.Size, artifact.ContentType, ms = Times.ToMs(artifact.CreatedTime) }, cancellationToken),
            cancellationToken);

    public async Task<ArtifactDto?> FindAsync(long runSeq, string path, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        return (await c.First<ArtifactRow>(null, $"SELECT {Columns} FROM artifacts WHERE run_seq = @runSeq AND path = @path", new { runSeq, path }, cancellationToken))?.ToDto();
    }

    public async Task<IReadOnlyList<ArtifactDto>> ListAsync(long runSeq, string prefix, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        // A range on the path (not LIKE) so '%' and '_' in names need no escaping and the key index serves it.
        var rows = prefix.Length == 0
            ? await c.Query<ArtifactRow>(null, $"SELECT {Columns} FROM artifacts WHERE run_seq = @runSeq ORDER BY path", new { runSeq }, cancellationToken)
            : await c.Query<ArtifactRow>(null, $"SELECT {Columns} FROM artifacts WHERE run_seq = @runSeq AND path >= @prefix AND path < @end ORDER BY path",
                new { runSeq, prefix, end = prefix[..^1] + (char)(prefix[^1] + 1) }, cancellationToken);
        return rows.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal)).Select(r => r.ToDto()).ToList();
    }

    private sealed class ArtifactRow
    {
        public string Path { get; set; } = "";
        public long Size { get; set; }
        public string Sha256 { get; set; } = "";
        public string? ContentType { get; set; }
        public long CreatedMs { get; set; }
        public ArtifactDto ToDto() => new(Path, Size, Sha256, ContentType, Times.FromMs(CreatedMs));
    }
}
