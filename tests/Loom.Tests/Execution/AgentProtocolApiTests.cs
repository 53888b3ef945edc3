using System.Net;
using Loom.Client;
using Loom.Contracts;
using Loom.TestKit;

namespace Loom.Tests.Execution;

/// <summary>Submission and the agent protocol driven by hand; subclassed per metadata provider in Providers.cs.</summary>
public abstract class AgentProtocolApiTests : ExecutionApiTestBase
{
    [Fact]
    public async Task A_submitted_run_is_claimed_run_with_its_token_and_completed_by_its_agent()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var run = await SubmitAsync(snapshot);
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal(("pool", "system:1", snapshot, "train.py"),
            (run.Properties["loom.compute"], run.Properties["loom.environment"], run.Properties["loom.snapshotId"], run.Properties["loom.script"]));
        Assert.Equal(1, (await Admin.Computes.GetAsync(Workspace, "pool")).QueueLength);

        var (agent, agentClient) = await RegisterAsync();
        var job = await agentClient.Agents.ClaimAsync(agent.Id, waitSeconds: 5);
        Assert.NotNull(job);
        Assert.Equal((run.Id, "exp", snapshot, "train.py", 0, 1, "node-a"), (job.RunId, job.Experiment, job.SnapshotId, job.Script, job.NodeRank, job.NodeCount, job.MasterAddress));
        Assert.Equal(["--lr", "0.1"], job.Arguments);
        Assert.Equal("on", job.Variables["MY_FLAG"]);
        Assert.Equal("agent", job.Environment.Python.Interpreter);
        Assert.Equal(RunStatus.Preparing, (await RunAsync(run.Id)).Status);
        var compute = await Admin.Computes.GetAsync(Workspace, "pool");
        Assert.Equal((0, NodeStates.Busy, run.Id), (compute.QueueLength, compute.Nodes.Single().State, compute.Nodes.Single().CurrentRunId));

        // The agent token reads the snapshot; the run token writes to its run.
        Assert.Equal(2, (await agentClient.Snapshots.GetAsync(Workspace, snapshot)).Files);
        await agentClient.Agents.ReportAsync(agent.Id, run.Id, new JobStatusRequest(RunStatus.Running));
        using var runClient = Server.NewClient(job.RunToken);
        await runClient.Metrics.LogAsync(Workspace, run.Id, new MetricBatch([new MetricPoint("loss", 0.5, 1)]));
        await runClient.Logs.AppendAsync(Workspace, run.Id, "std_log.txt", "hello\n"u8.ToArray(), offset: 0);
        var child = await runClient.Runs.CreateAsync(Workspace, new CreateRunRequest(null, ParentRunId: run.Id));
        await runClient.Metrics.LogAsync(Workspace, child.Id, new MetricBatch([new MetricPoint("acc", 0.9, 1)]));
        Assert.Equal(RunStatus.Running, (await RunAsync(run.Id)).Status);

        var orders = await agentClient.Agents.ReportAsync(agent.Id, run.Id, new JobStatusRequest(RunStatus.Completed, ExitCode: 0));
        Assert.False(orders.Cancel);
        var done = await RunAsync(run.Id);
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal([RunStatus.Queued, RunStatus.Preparing, RunStatus.Running, RunStatus.Completed], done.StatusHistory.Select(s => s.Status));
        Assert.Equal(0.5, done.Metrics["loss"]);
        Assert.Equal(NodeStates.Idle, (await Admin.Computes.GetAsync(Workspace, "pool")).Nodes.Single().State);
        var jobView = await Admin.Runs.GetJobAsync(Workspace, run.Id);
        Assert.Equal(("Completed", 0, "node-a"), (jobView.Nodes.Single().State, jobView.Nodes.Single().ExitCode, jobView.Nodes.Single().Host));

        // The run's token ends with the run; a report repeated changes nothing.
        await Assert.ThrowsAsync<LoomUnauthorizedException>(() => runClient.Runs.GetAsync(Workspace, run.Id));
        await agentClient.Agents.ReportAsync(agent.Id, run.Id, new JobStatusRequest(RunStatus.Failed, ExitCode: 1));
        Assert.Equal(RunStatus.Completed, (await RunAsync(run.Id)).Status);
        Assert.Null(await agentClient.Agents.ClaimAsync(agent.Id, waitSeconds: 0));
    }

    [Fact]
    public async Task Tokens_of_agents_and_runs_reach_only_what_they_are_for()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var run = await SubmitAsync(snapshot);
        var other = await CreateRun("other");
        var (agent, agentClient) = await RegisterAsync();
        var (second, _) = await RegisterAsync(host: "node-b");
        var job = (await agentClient.Agents.ClaimAsync(agent.Id, waitSeconds: 5))!;
        using var runClient = Server.NewClient(job.RunToken);

        await Assert.ThrowsAsync<LoomForbiddenException>(() => runClient.Runs.GetAsync(Workspace, other.Id));
        await Assert.ThrowsAsync<LoomForbiddenException>(() => runClient.Runs.ListAsync(Workspace));
        await Assert.ThrowsAsync<LoomForbiddenException>(() => runClient.Runs.CreateAsync(Workspace, new CreateRunRequest("exp")));
        await Assert.ThrowsAsync<LoomForbiddenException>(() => runClient.Runs.CreateAsync(Workspace, new CreateRunRequest(null, ParentRunId: other.Id)));
        await Assert.ThrowsAsync<LoomForbiddenException>(() => runClient.Computes.ListAsync(Workspace));
        await Assert.ThrowsAsync<LoomForbiddenException>(() => runClient.Agents.RegisterAsync(new RegisterAgentRequest(Workspace, "pool", "x")));
        await Assert.ThrowsAsync<LoomForbiddenException>(() => agentClient.Runs.GetAsync(Workspace, run.Id));
        await Assert.ThrowsAsync<LoomForbiddenException>(() => agentClient.Agents.HeartbeatAsync(second.Id, new HeartbeatRequest()));
        await Assert.ThrowsAsync<LoomForbiddenException>(() => agentClient.Agents.RegisterAsync(new RegisterAgentRequest(Workspace, "pool", "x")));
        await Assert.ThrowsAsync<LoomForbiddenException>(() => agentClient.Tokens.ListAsync());
        // Run and agent tokens are not listed with the users' tokens.
        Assert.DoesNotContain(await Admin.Tokens.ListAsync(), t => t.Name.StartsWith("run-", StringComparison.Ordinal) || t.Name.StartsWith("agent-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancel_ends_a_queued_run_at_once_and_a_running_one_through_its_agent()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var queued = await SubmitAsync(snapshot);
        Assert.Equal(RunStatus.Canceled, (await Admin.Runs.CancelAsync(Workspace, queued.Id)).Status);
        var (agent, agentClient) = await RegisterAsync();
        Assert.Null(await agentClient.Agents.ClaimAsync(agent.Id, waitSeconds: 0));

        var running = await SubmitAsync(snapshot);
        var job = (await agentClient.Agents.ClaimAsync(agent.Id, waitSeconds: 5))!;
        await agentClient.Agents.ReportAsync(agent.Id, job.RunId, new JobStatusRequest(RunStatus.Running));
        Assert.False((await agentClient.Agents.HeartbeatAsync(agent.Id, new HeartbeatRequest(job.RunId))).Cancel);
        Assert.Equal(RunStatus.CancelRequested, (await Admin.Runs.CancelAsync(Workspace, running.Id)).Status);
        Assert.True((await agentClient.Agents.HeartbeatAsync(agent.Id, new HeartbeatRequest(job.RunId))).Cancel);
        // A late Finalizing does not move the run out of CancelRequested.
        await agentClient.Agents.ReportAsync(agent.Id, job.RunId, new JobStatusRequest(RunStatus.Finalizing));
        Assert.Equal(RunStatus.CancelRequested, (await RunAsync(running.Id)).Status);
        await agentClient.Agents.ReportAsync(agent.Id, job.RunId, new JobStatusRequest(RunStatus.Canceled, ExitCode: -15));
        Assert.Equal(RunStatus.Canceled, (await RunAsync(running.Id)).Status);
        // Cancelling again changes nothing.
        Assert.Equal(RunStatus.Canceled, (await Admin.Runs.CancelAsync(Workspace, running.Id)).Status);
    }

    [Fact]
    public async Task A_two_node_run_waits_for_both_ranks_and_a_failing_node_stops_its_sibling()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var run = await SubmitAsync(snapshot, nodes: 2);
        var (a, clientA) = await RegisterAsync(host: "node-a");
        var (b, clientB) = await RegisterAsync(host: "node-b");
        var jobA = (await clientA.Agents.ClaimAsync(a.Id, waitSeconds: 5))!;
        Assert.Equal(1, (await Admin.Computes.GetAsync(Workspace, "pool")).QueueLength);
        var jobB = (await clientB.Agents.ClaimAsync(b.Id, waitSeconds: 5))!;
        Assert.Equal((0, 1), (jobA.NodeRank, jobB.NodeRank));
        Assert.Equal(("node-a", "node-a", jobA.MasterPort), (jobA.MasterAddress, jobB.MasterAddress, jobB.MasterPort));

        await clientB.Agents.ReportAsync(b.Id, run.Id, new JobStatusRequest(RunStatus.Running));
        await clientB.Agents.ReportAsync(b.Id, run.Id, new JobStatusRequest(RunStatus.Failed, ExitCode: 2, Error: "exit code 2"));
        Assert.Equal(RunStatus.Running, (await RunAsync(run.Id)).Status);
        Assert.True((await clientA.Agents.HeartbeatAsync(a.Id, new HeartbeatRequest(run.Id))).Cancel);
        await clientA.Agents.ReportAsync(a.Id, run.Id, new JobStatusRequest(RunStatus.Canceled));
        var ended = await RunAsync(run.Id);
        Assert.Equal((RunStatus.Failed, "node 1: exit code 2"), (ended.Status, ended.Error));
    }

    [Fact]
    public async Task An_agent_that_misses_its_lease_is_lost_and_its_run_fails_as_agent_lost()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var run = await SubmitAsync(snapshot);
        var (agent, agentClient) = await RegisterAsync();
        await agentClient.Agents.ClaimAsync(agent.Id, waitSeconds: 5);
        var failed = await WaitForAsync(run.Id, RunStatus.Failed);
        Assert.Equal("agent lost", failed.Error);
        Assert.Equal(NodeStates.Lost, (await Admin.Computes.GetAsync(Workspace, "pool")).Nodes.Single().State);
        var gone = await Assert.ThrowsAnyAsync<LoomApiException>(() => agentClient.Agents.HeartbeatAsync(agent.Id, new HeartbeatRequest()));
        Assert.Equal((410, ErrorCodes.AgentRetired), (gone.Status, gone.Code));
    }

    [Fact]
    public async Task Runs_queue_first_in_first_out_per_target()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        await AttachedAsync("other");
        var first = await SubmitAsync(snapshot);
        await SubmitAsync(snapshot, compute: "other");
        var second = await SubmitAsync(snapshot);
        var (agent, client) = await RegisterAsync();
        var claimed = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var job = (await client.Agents.ClaimAsync(agent.Id, waitSeconds: 5))!;
            claimed.Add(job.RunId);
            await client.Agents.ReportAsync(agent.Id, job.RunId, new JobStatusRequest(RunStatus.Completed, ExitCode: 0));
        }
        Assert.Equal([first.Id, second.Id], claimed);
        Assert.Null(await client.Agents.ClaimAsync(agent.Id, waitSeconds: 0));
    }

    [Fact]
    public async Task A_long_poll_claim_wakes_when_a_run_is_submitted()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var (agent, client) = await RegisterAsync();
        var claim = client.Agents.ClaimAsync(agent.Id, waitSeconds: 20);
        await Task.Delay(300);
        Assert.False(claim.IsCompleted);
        var run = await SubmitAsync(snapshot);
        var job = await claim.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(run.Id, job!.RunId);
    }

    [Fact]
    public async Task Bad_submissions_get_their_problem_and_queue_nothing()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync(maxNodes: 2);
        async Task Refused(HttpStatusCode status, string code, object body, string? detail = null)
        {
            var problem = await HttpAssert.Problem(status, code, await Post($"{Ws}/runs/submit", body));
            if (detail is not null) Assert.Contains(detail, problem.Detail!);
        }
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidSubmission, new { experiment = "e", snapshotId = snapshot, compute = "pool" }, "exactly one");
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidSubmission,
            new { experiment = "e", snapshotId = snapshot, compute = "pool", script = "train.py", command = "ls" }, "exactly one");
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidSubmission, new { experiment = "e", snapshotId = snapshot, compute = "pool", script = "missing.py" }, "missing.py");
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidSubmission, new { experiment = "e", snapshotId = snapshot, compute = "pool", script = "../x.py" });
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidSubmission,
            new { experiment = "e", snapshotId = snapshot, compute = "pool", script = "train.py", nodeCount = 3 }, "at most 2");
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidSubmission,
            new { experiment = "e", snapshotId = snapshot, compute = "pool", script = "train.py", distribution = "horovod" }, "pytorch");
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidSubmission,
            new { experiment = "e", snapshotId = snapshot, compute = "pool", script = "train.py", maxDurationSeconds = 0 });
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidSubmission,
            new { experiment = "e", snapshotId = snapshot, compute = "pool", script = "train.py", variables = new Dictionary<string, string> { ["1BAD"] = "x" } });
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidSubmission, new { experiment = "e", compute = "pool", script = "train.py" }, "snapshotId");
        await Refused(HttpStatusCode.NotFound, ErrorCodes.ComputeNotFound, new { experiment = "e", snapshotId = snapshot, compute = "nope", script = "train.py" });
        await Refused(HttpStatusCode.NotFound, ErrorCodes.SnapshotNotFound, new { experiment = "e", snapshotId = new string('a', 64), compute = "pool", script = "train.py" });
        await Refused(HttpStatusCode.NotFound, ErrorCodes.EnvironmentNotFound,
            new { experiment = "e", snapshotId = snapshot, compute = "pool", script = "train.py", environment = "sklearn:4" });
        await Refused(HttpStatusCode.BadRequest, ErrorCodes.InvalidName, new { experiment = "bad name", snapshotId = snapshot, compute = "pool", script = "train.py" });
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidJson, await PostRaw($"{Ws}/runs/submit", "{\"nodeCount\": \"two\"}"));

        Assert.Empty((await Admin.Runs.ListAsync(Workspace)).Value);
        Assert.Equal(0, (await Admin.Computes.GetAsync(Workspace, "pool")).QueueLength);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.JobNotFound, await Http.GetAsync($"{Ws}/runs/{(await CreateRun()).Id}/job"));
    }

    [Fact]
    public async Task Bad_agent_calls_get_their_problem()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.ComputeNotFound,
            await Post("/api/v1/agents", new { workspace = Workspace, compute = "nope", host = "h" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await Post("/api/v1/agents", new { workspace = Workspace, compute = "pool" }));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest,
            await Post("/api/v1/agents", new { workspace = Workspace, compute = "pool", host = "h", cores = -1 }));
        var (agent, client) = await RegisterAsync();
        using var agentHttp = Server.NewHttp(agent.Token);
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, await agentHttp.PostAsync($"/api/v1/agents/{agent.Id}/claim?waitSeconds=99", null));
        var run = await SubmitAsync(snapshot);
        await HttpAssert.Problem(HttpStatusCode.NotFound, ErrorCodes.JobNotFound,
            await Post($"/api/v1/agents/{agent.Id}/jobs/{run.Id}/status", new { status = "Running" }, http: agentHttp));
        await client.Agents.ClaimAsync(agent.Id, waitSeconds: 5);
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidStatus,
            await Post($"/api/v1/agents/{agent.Id}/jobs/{run.Id}/status", new { status = "Queued" }, http: agentHttp));
        await HttpAssert.Problem(HttpStatusCode.BadRequest, ErrorCodes.InvalidStatus,
            await Post($"/api/v1/agents/{agent.Id}/jobs/{run.Id}/status", new { exitCode = 0 }, http: agentHttp));
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden, await Http.PostAsync("/api/v1/agents/agt_nope/heartbeat", null));
        // A user token, even the admin's, cannot act as an agent.
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden, await Http.PostAsync($"/api/v1/agents/{agent.Id}/claim?waitSeconds=0", null));
        await HttpAssert.Problem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden, await Http.DeleteAsync($"/api/v1/agents/{agent.Id}"));
        Assert.Equal(RunStatus.Preparing, (await RunAsync(run.Id)).Status);

        // Deleting a target with a running run is refused; an agent that leaves fails its part.
        await HttpAssert.Problem(HttpStatusCode.Conflict, ErrorCodes.ComputeInUse, await Http.DeleteAsync($"{Ws}/computes/pool"));
        await client.Agents.LeaveAsync(agent.Id);
        Assert.Equal("agent left", (await RunAsync(run.Id)).Error);
        Assert.Empty((await Admin.Computes.GetAsync(Workspace, "pool")).Nodes);
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Ws}/computes/pool"));
    }

    [Fact]
    public async Task Cancelling_a_job_with_no_running_node_ends_it_at_once()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var run = await SubmitAsync(snapshot, nodes: 2);
        var (agent, client) = await RegisterAsync();
        await client.Agents.ClaimAsync(agent.Id, waitSeconds: 5);
        await client.Agents.ReportAsync(agent.Id, run.Id, new JobStatusRequest(RunStatus.Running));
        await client.Agents.ReportAsync(agent.Id, run.Id, new JobStatusRequest(RunStatus.Completed, ExitCode: 0));
        Assert.Equal(RunStatus.Running, (await RunAsync(run.Id)).Status);
        // Rank 1 was never claimed and rank 0 has ended: nobody is left to end the run but the cancel itself.
        Assert.Equal(RunStatus.Canceled, (await Admin.Runs.CancelAsync(Workspace, run.Id)).Status);
        Assert.Equal(0, (await Admin.Computes.GetAsync(Workspace, "pool")).QueueLength);
        await HttpAssert.Status(HttpStatusCode.NoContent, await Http.DeleteAsync($"{Ws}/computes/pool"));
    }

    [Fact]
    public async Task A_submitted_run_ends_only_through_its_job()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var run = await SubmitAsync(snapshot);
        var (agent, client) = await RegisterAsync();
        var job = (await client.Agents.ClaimAsync(agent.Id, waitSeconds: 5))!;
        await client.Agents.ReportAsync(agent.Id, run.Id, new JobStatusRequest(RunStatus.Running));
        using var runClient = Server.NewClient(job.RunToken);
        // The script's own complete() does not end the run: its agent decides from the exit code.
        Assert.Equal(RunStatus.Running, (await runClient.Runs.UpdateAsync(Workspace, run.Id, new UpdateRunRequest(RunStatus.Completed))).Status);
        // A cancel through PATCH goes to the job, like POST .../cancel.
        Assert.Equal(RunStatus.CancelRequested, (await Admin.Runs.UpdateAsync(Workspace, run.Id, new UpdateRunRequest(RunStatus.Canceled))).Status);
        Assert.True((await client.Agents.HeartbeatAsync(agent.Id, new HeartbeatRequest(run.Id))).Cancel);
        await client.Agents.ReportAsync(agent.Id, run.Id, new JobStatusRequest(RunStatus.Canceled));
        Assert.Equal(RunStatus.Canceled, (await RunAsync(run.Id)).Status);
    }

    [Fact]
    public async Task A_claim_whose_answer_was_lost_is_handed_out_again()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var run = await SubmitAsync(snapshot);
        var (agent, client) = await RegisterAsync();
        var first = (await client.Agents.ClaimAsync(agent.Id, waitSeconds: 5))!;
        var again = (await client.Agents.ClaimAsync(agent.Id, waitSeconds: 0))!;
        Assert.Equal((run.Id, 0), (again.RunId, again.NodeRank));
        Assert.NotEqual(first.RunToken, again.RunToken);
        Assert.Equal(RunStatus.Preparing, (await RunAsync(run.Id)).Status);
        // Once the run has started, a claim from the same agent means it restarted: that run is lost.
        await client.Agents.ReportAsync(agent.Id, run.Id, new JobStatusRequest(RunStatus.Running));
        Assert.Null(await client.Agents.ClaimAsync(agent.Id, waitSeconds: 0));
        var ended = await RunAsync(run.Id);
        Assert.Equal((RunStatus.Failed, "agent restarted"), (ended.Status, ended.Error));
    }
}
