namespace Loom.Server;

/// <summary>
/// An exclusive lock on <c>loom.lock</c> in the data folder, so two servers never share one SQLite file
/// and blob folder. The operating system drops it when the process dies, even on SIGKILL.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    private readonly FileStream _file;

    private DataFolderLock(FileStream file) => _file = file;

    public static DataFolderLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "loom.lock");
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true)) writer.Write(Environment.ProcessId);
            file.Flush();
            return new DataFolderLock(file);
        }
        catch (IOException)
        {
            throw new DataFolderInUseException($"Another Loom server is using the data folder '{dataDirectory}' (it holds {path}). " +
                "Stop it, or start this one with another --data folder.");
        }
    }

    public void Dispose() => _file.Dispose();
}

public sealed class DataFolderInUseException(string message) : Exception(message);
