using Xunit;

namespace Loom.TestKit;

/// <summary>
/// A real server and the <c>loom</c> CLI pointed at it with the admin token, in a private home
/// folder: the set-up every CLI test class shares.
/// </summary>
public abstract class CliTestBase : IAsyncLifetime, IDisposable
{
    protected TempDirectory Home { get; } = new("loom-home");
    protected LoomTestServer Server { get; private set; } = null!;
    protected CliProcess Cli { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await LoomTestServer.StartAsync();
        Cli = new CliProcess(Home.Path);
        Cli.Environment["LOOM_URL"] = Server.Url.ToString();
        Cli.Environment["LOOM_TOKEN"] = Server.AdminToken;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public virtual void Dispose()
    {
        Home.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs loom and asserts it exited 0, showing its output when it did not.</summary>
    protected async Task<CliResult> Ok(params string[] args)
    {
        var result = await Cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
