using Microsoft.AspNetCore.Builder;

namespace Loom.Server;

/// <summary>A started server: its application, its address and the admin token file. Disposing stops it and frees the data folder.</summary>
public sealed class RunningServer(WebApplication app, Uri url, string adminTokenPath, DataFolderLock folderLock) : IAsyncDisposable
{
    public WebApplication App { get; } = app;
    public Uri Url { get; } = url;
    public string AdminTokenPath { get; } = adminTokenPath;

    public string ReadAdminToken() => File.ReadAllText(AdminTokenPath).Trim();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        folderLock.Dispose();
    }
}
