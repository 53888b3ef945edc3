using System.Diagnostics;

namespace Loom.Tests.Git;

/// <summary>Runs the git CLI in a test repository (the same steps the Python suite runs).</summary>
internal static class GitRepo
{
    public static string Run(string root, params IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("git " + string.Join(' ', start.ArgumentList) + " took over 60 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException("git " + string.Join(' ', start.ArgumentList) + " failed: " + stderr.Result);
        return stdout.Trim();
    }

    /// <summary>A repository on branch main with a local identity and one commit of <c>train.py</c>.</summary>
    public static void InitWithCommit(string root)
    {
        Run(root, "init", "-q", "-b", "main");
        Run(root, "config", "user.name", "Loom Test");
        Run(root, "config", "user.email", "test@loom.invalid");
        Run(root, "config", "commit.gpgsign", "false");
        File.WriteAllText(Path.Combine(root, "train.py"), "print('train')\n");
        Run(root, "add", "-A");
        Run(root, "commit", "-q", "-m", "first");
    }
}
