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
        // An exact prefix comparison (not LIKE, not a range) so '%' and '_' need no escaping and no collation
        // can reorder paths; the run's key already narrows the scan to its own artifacts.
        var rows = await c.Query<ArtifactRow>(null,
            $"SELECT {Columns} FROM artifacts WHERE run_seq = @runSeq AND substr(path, 1, @length) = @prefix",
            new { runSeq, prefix, length = prefix.Length }, cancellationToken);
        return rows.OrderBy(r => r.Path, StringComparer.Ordinal).Select(r => r.ToDto()).ToList();
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
