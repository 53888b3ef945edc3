namespace Loom.Blobs;

/// <summary>Content-addressed blob storage: blobs are named by the SHA-256 of their bytes.</summary>
public interface IBlobStore
{
    /// <summary>
    /// Stores the stream's bytes; nothing is visible under the hash until the bytes are complete and
    /// hashed. When <paramref name="expectedSha256"/> is given and differs, nothing is stored and
    /// <see cref="BlobHashMismatchException"/> is thrown.
    /// </summary>
    Task<BlobInfo> PutAsync(Stream content, string? expectedSha256, CancellationToken cancellationToken);

    /// <summary>Opens a stored blob for reading, or null when it is not stored.</summary>
    Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken);
}

public sealed record BlobInfo(string Sha256, long Size);

public sealed class BlobHashMismatchException(string expected, string actual)
    : Exception($"Blob content hashes to {actual}, not the expected {expected}.");
