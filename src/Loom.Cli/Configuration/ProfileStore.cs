using System.Text.Json;
using Loom.Cli.Commands;
using Loom.Cli.Output;

namespace Loom.Cli.Configuration;

/// <summary>Reads and writes <c>profile.json</c> in <c>$LOOM_CONFIG_DIR</c> or <c>~/.config/loom</c>, readable by its owner only.</summary>
internal sealed class ProfileStore(CliContext context)
{
    public const string FileName = "profile.json";

    public string Path => System.IO.Path.Combine(Folder, FileName);

    private string Folder => context.GetEnvironmentVariable("LOOM_CONFIG_DIR") is { Length: > 0 } dir
        ? System.IO.Path.GetFullPath(dir)
        : System.IO.Path.Combine(context.HomeDirectory, ".config", "loom");

    public Profile? Read()
    {
        if (!File.Exists(Path)) return null;
        try
        {
            return JsonSerializer.Deserialize<Profile>(File.ReadAllText(Path), JsonOutput.Options);
        }
        catch (JsonException e)
        {
            throw new UsageException($"the profile {Path} is not valid JSON ({e.Message}); run 'loom login' again");
        }
    }

    public void Write(Profile profile)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(Folder);
        else Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temp = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        // The token is a secret: the file is created 0600, never widened afterwards.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temp, options))
            JsonSerializer.Serialize(file, profile, JsonOutput.Options);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, Path, overwrite: true);
    }
}
