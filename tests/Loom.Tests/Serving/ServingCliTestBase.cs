using System.Text.Json;
using Loom.TestKit;

namespace Loom.Tests.Serving;

/// <summary>
/// <c>loom</c> run as separate processes against a real server (with the fake deployment host, or the real one when
/// <see cref="RealHost"/>), in a home folder of their own, with a folder for the files the commands read.
/// </summary>
public abstract class ServingCliTestBase : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _home = new("loom-home");
    private readonly TempDirectory _files = new("loom-serving-cli");
    private ServingTestServer? _server;
    private CliProcess? _cli;

    protected ServingTestServer Server => _server ?? throw new InvalidOperationException("Not started.");

    protected CliProcess Cli => _cli ?? throw new InvalidOperationException("Not started.");

    /// <summary>Whether deployments run in Python workers and ONNX Runtime rather than in the fake host.</summary>
    protected virtual bool RealHost => false;

    public async Task InitializeAsync()
    {
        _server = await ServingTestServer.StartAsync(null, realHost: RealHost);
        _cli = new CliProcess(_home.Path);
        _cli.Environment["LOOM_URL"] = _server.Url.ToString();
        _cli.Environment["LOOM_TOKEN"] = _server.AdminToken;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    public void Dispose()
    {
        _home.Dispose();
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The path of <paramref name="parts"/> in the files folder.</summary>
    protected string FilePath(params string[] parts) => _files.Combine(parts);

    protected async Task<CliResult> Ok(params string[] args)
    {
        var result = await Cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    protected string Write(string path, string text)
    {
        var full = _files.Combine(path.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    protected static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement;
}
