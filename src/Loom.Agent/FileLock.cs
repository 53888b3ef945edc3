namespace Loom.Agent;

/// <summary>
/// An exclusive lock on a file, held by agents that share a cache folder (other processes and this one alike):
/// a <see cref="FileStream"/> opened with <see cref="FileShare.None"/>, which .NET backs with <c>flock</c> on Linux.
/// The kernel drops the lock when its holder dies, so a crashed build never blocks the next one.
/// </summary>
public sealed class FileLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly FileStream stream;

    private FileLock(FileStream stream) => this.stream = stream;

    /// <summary>The lock file's path.</summary>
    public string Path => stream.Name;

    /// <summary>Waits until the lock on <paramref name="path"/> is free and takes it; only <paramref name="cancellationToken"/> bounds the wait.</summary>
    public static async Task<FileLock> AcquireAsync(string path, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAcquire(path) is { } taken) return taken;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Takes the lock if it is free at once; null when another holder has it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        try
        {
            return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException) when (File.Exists(path))
        {
            // A sharing violation: someone else holds it.
            return null;
        }
    }

    public void Dispose() => stream.Dispose();
}
