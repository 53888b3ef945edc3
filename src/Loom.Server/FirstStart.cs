using Loom.Core.Identity;
using Loom.Core.Workspaces;

namespace Loom.Server;

/// <summary>Prepares a data folder: the default workspace and, once, the admin token in <c>admin.token</c> (mode 0600).</summary>
public static class FirstStart
{
    public const string AdminTokenFile = "admin.token";

    public static async Task<string> EnsureAsync(string dataDirectory, WorkspaceService workspaces, TokenService tokens, CancellationToken cancellationToken)
    {
        await workspaces.EnsureDefaultAsync(cancellationToken);
        var path = Path.Combine(dataDirectory, AdminTokenFile);
        if (File.Exists(path)) return path;
        var secret = await tokens.CreateAdminAsync(cancellationToken);
        var temp = path + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var file = new FileStream(temp, fileOptions))
        await using (var writer = new StreamWriter(file))
            await writer.WriteLineAsync(secret);
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
