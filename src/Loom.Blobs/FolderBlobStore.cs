using System.Buffers;
using System.Security.Cryptography;

namespace Loom.Blobs;

/// <summary>Blobs as files under a folder: <c>sha256/ab/cd/abcd…</c>, written to <c>tmp/</c> first and renamed when complete.</summary>
public sealed class FolderBlobStore : IBlobStore
{
    private readonly string _root;
    private readonly string _temp;

    public FolderBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        _temp = Path.Combine(_root, "tmp");
        Directory.CreateDirectory(_temp);
    }

    public async Task<BlobInfo> PutAsync(Stream content, string? expectedSha256, CancellationToken cancellationToken)
    {
        var tempPath = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    size += read;
                }
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (expectedSha256 is not null && !string.Equals(expectedSha256, sha, StringComparison.OrdinalIgnoreCase))
                throw new BlobHashMismatchException(expectedSha256, sha);
            var finalPath = PathOf(sha);
            if (File.Exists(finalPath))
                File.Delete(tempPath);
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
                File.Move(tempPath, finalPath, overwrite: true);
            }
            return new BlobInfo(sha, size);
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken)
    {
        var path = PathOf(sha256);
        Stream? stream = File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan)
            : null;
        return Task.FromResult(stream);
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(PathOf(sha256)));

    private string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("Not a lowercase SHA-256 hex digest.", nameof(sha256));
        return Path.Combine(_root, "sha256", sha256[..2], sha256[2..4], sha256);
    }
}
