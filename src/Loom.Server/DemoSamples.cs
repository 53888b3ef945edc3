namespace Loom.Server;

/// <summary>Where the demo's sample is, and the line that calls the demo endpoint from a shell.</summary>
internal static class DemoSamples
{
    /// <summary>The sample's folder, relative to loom.dll (copied there by the build) or to a repository's root.</summary>
    public static readonly string Folder = Path.Combine("samples", "iris");

    /// <summary>The dependency-free trainer: writes <c>outputs/model.json</c>.</summary>
    public const string Trainer = "train_plain.py";

    /// <summary>The dependency-free scoring script of the trainer's model.</summary>
    public const string ScoringScript = "score_plain.py";

    /// <summary>The sample next to loom.dll, else in the repository around it or around the current folder; null when neither has it.</summary>
    public static string? Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, Folder);
                if (File.Exists(Path.Combine(candidate, Trainer)) && File.Exists(Path.Combine(candidate, ScoringScript))) return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// <c>loom endpoint invoke NAME --data '...'</c>, with what a shell on this machine needs besides to reach this server: its URL when it
    /// is not the CLI's default, and <c>LOOM_DATA</c> (where the admin token is) when its data folder is not the default one.
    /// </summary>
    public static string InvokeLine(ServerOptions options, Uri server, string endpoint, string request)
    {
        var url = server.GetLeftPart(UriPartial.Authority);
        var prefix = Path.GetFullPath(options.DataDirectory) == Path.GetFullPath(ServerOptions.DefaultDataDirectory())
            ? "" : $"LOOM_DATA={Quote(options.DataDirectory)} ";
        var suffix = url == ServerOptions.DefaultUrls ? "" : $" --url {url}";
        return $"{prefix}loom endpoint invoke {endpoint} --data {Quote(request)}{suffix}";
    }

    /// <summary>A shell word: as it is when it is plain, else in single quotes.</summary>
    private static string Quote(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ':' or '=' or '+' or ',')
            ? text : $"'{text.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
