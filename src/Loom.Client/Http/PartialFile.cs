namespace Loom.Client.Http;

/// <summary>Writes a download to <c>FILE.partial</c> and renames it to the file only when complete, so a failed download leaves nothing behind.</summary>
internal static class PartialFile
{
    private const int BufferSize = 1 << 16;

    public static async Task<long> WriteAsync(string filePath, Func<Stream, Task<long>> write)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(filePath));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        var partial = filePath + ".partial";
        try
        {
            long size;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
                size = await write(file);
            File.Move(partial, filePath, overwrite: true);
            return size;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }
}
