using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Agent;

/// <summary>Agents that build environments, are stopped mid-run, or start with an identity given to them.</summary>
public sealed class AgentLifecycleTests : IAsyncLifetime, IDisposable
{
    private readonly AgentFixture fixture = new();
    private readonly TempDirectory wheels = new("loom-wheels");

    public Task InitializeAsync() => fixture.InitializeAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    public void Dispose() => wheels.Dispose();

    [Fact]
    public async Task A_venv_is_built_once_with_its_log_in_the_first_run_and_reused_by_the_next()
    {
        await AgentTestTools.BuildTinyWheelAsync(wheels.Path);
        await fixture.Client.Environments.CreateAsync("default", new CreateEnvironmentRequest("tiny",
            Python: new PythonSpec("python3", ["tinypkg==1.0"], new PipOptions(FindLinks: [wheels.Path], NoIndex: true), SystemSitePackages: true)));
        var files = new Dictionary<string, string> { ["use.py"] = "import sys, tinypkg\nprint('value', tinypkg.VALUE, sys.prefix)\n" };
        var request = new SubmitRunRequest("agent-env", null, null, Script: "use.py", Environment: "tiny");

        var first = await fixture.WaitForEndAsync((await fixture.SubmitAsync(files, request)).Id);
        Assert.True(first.Status == RunStatus.Completed, $"{first.Status} {first.Error}\n{await fixture.LogAsync(first.Id, "environment_build_log.txt")}");
        var venv = Path.Combine(fixture.Cache.Path, "envs");
        Assert.Contains($"value 42 {venv}", await fixture.LogAsync(first.Id, "std_log.txt"));
        Assert.Contains("Successfully installed tinypkg-1.0", await fixture.LogAsync(first.Id, "environment_build_log.txt"));
        Assert.Contains("built env", await fixture.LogAsync(first.Id, "agent_log.txt"));

        var second = await fixture.WaitForEndAsync((await fixture.SubmitAsync(files, request)).Id);
        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.Contains("value 42", await fixture.LogAsync(second.Id, "std_log.txt"));
        Assert.Contains("reused env", await fixture.LogAsync(second.Id, "agent_log.txt"));
        Assert.DoesNotContain(await fixture.Client.Logs.ListAsync("default", second.Id), l => l.File == "environment_build_log.txt");
    }

    [Fact]
    public async Task A_failed_environment_build_fails_the_run_with_pips_complaint()
    {
        await fixture.Client.Environments.CreateAsync("default", new CreateEnvironmentRequest("broken",
            Python: new PythonSpec("python3", ["no-such-package-loom==9.9"], new PipOptions(NoIndex: true))));
        var submitted = await fixture.SubmitAsync(new Dictionary<string, string> { ["x.py"] = "print('never')\n" },
            new SubmitRunRequest("agent-env", null, null, Script: "x.py", Environment: "broken"));
        var run = await fixture.WaitForEndAsync(submitted.Id);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith("environment build failed: ", run.Error);
        Assert.Contains("No matching distribution found for no-such-package-loom==9.9", run.Error);
        Assert.Equal("", await fixture.LogAsync(run.Id, "std_log.txt"));
    }

    [Fact]
    public async Task Stopping_the_agent_fails_its_run_and_the_agent_leaves_with_exit_code_0()
    {
        var submitted = await fixture.SubmitAsync(new Dictionary<string, string> { ["readme.txt"] = "x" },
            new SubmitRunRequest("agent-stop", null, null, Command: "trap '' TERM; echo started; sleep 300"));
        await fixture.WaitForLogAsync(submitted.Id, "std_log.txt", "started");

        Assert.Equal(0, await fixture.Agent.TerminateAsync(TimeSpan.FromSeconds(60)));

        var run = await fixture.Client.Runs.GetAsync("default", submitted.Id);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("agent stopped", run.Error);
        Assert.Contains("left the compute target", fixture.Agent.Stderr);
        Assert.Contains("the agent is stopping", await fixture.LogAsync(run.Id, "agent_log.txt"));
        Assert.Empty((await fixture.Client.Computes.GetAsync("default", AgentFixture.Compute)).Nodes);
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_a_refused_registration_exits_1()
    {
        var cli = new CliProcess(fixture.Home.Path);
        cli.Environment["LOOM_URL"] = fixture.Server.Url.ToString();
        cli.Environment["LOOM_TOKEN"] = fixture.Server.AdminToken;
        var noCompute = await cli.RunAsync("agent");
        Assert.Equal(2, noCompute.ExitCode);
        Assert.Contains("--compute", noCompute.Stderr);

        var unknown = await cli.RunAsync("agent", "--compute", "nowhere", "--cache", fixture.Cache.Path);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("compute_not_found", unknown.Stderr);
    }

    [Fact]
    public async Task An_agent_given_its_identity_does_not_register_and_keeps_it_from_the_user_process()
    {
        await fixture.Agent.TerminateAsync(TimeSpan.FromSeconds(60));
        var registered = await fixture.Client.Agents.RegisterAsync(new RegisterAgentRequest("default", AgentFixture.Compute, "given-host"));
        var cli = new CliProcess(fixture.Home.Path);
        cli.Environment["LOOM_URL"] = fixture.Server.Url.ToString();
        cli.Environment["LOOM_AGENT_ID"] = registered.Id;
        cli.Environment["LOOM_AGENT_TOKEN"] = registered.Token;
        using var agent = cli.Start("agent", "--python", AgentTestTools.Python, "--cache", fixture.Cache.Path);
        var stderr = agent.StandardError.ReadToEndAsync();
        try
        {
            var submitted = await fixture.SubmitAsync(new Dictionary<string, string> { ["readme.txt"] = "x" },
                new SubmitRunRequest("agent-given", null, null, Command: "echo \"id=${LOOM_AGENT_ID-none} token=${LOOM_AGENT_TOKEN-none}\""));
            var run = await fixture.WaitForEndAsync(submitted.Id);
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal("id=none token=none\n", await fixture.LogAsync(run.Id, "std_log.txt"));
            Assert.Contains($"claimed by agent {registered.Id}", await fixture.LogAsync(run.Id, "agent_log.txt"));
        }
        finally
        {
            // Leaving with the agent's own token retires it: its next claim is answered 410 and it exits cleanly.
            using var asAgent = fixture.Server.NewClient(registered.Token);
            await asAgent.Agents.LeaveAsync(registered.Id);
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await agent.WaitForExitAsync(bound.Token);
        }
        Assert.Equal(0, agent.ExitCode);
        Assert.Contains("retired by the server", await stderr);
        Assert.DoesNotContain("registered with compute", await stderr);
    }
}
