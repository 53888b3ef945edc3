using Loom.Client;
using Loom.Contracts;
using Loom.Tests.Execution;

namespace Loom.Tests.Models;

/// <summary>A training script registers its own outputs with its run token (Azure ML's <c>run.register_model</c>), and nothing else's.</summary>
public sealed class ModelRunTokenTests : ExecutionApiTestBase
{
    protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);

    [Fact]
    public async Task A_run_token_registers_from_its_own_run_and_reads_models_but_not_from_another_run()
    {
        var snapshot = await SnapshotAsync();
        await AttachedAsync();
        var run = await SubmitAsync(snapshot);
        var other = await Admin.Runs.CreateAsync(Workspace, new CreateRunRequest("other"));
        await Admin.Artifacts.UploadAsync(Workspace, other.Id, "outputs/model.pkl", new MemoryStream("theirs"u8.ToArray()));
        var (agent, agentClient) = await RegisterAsync();
        var job = await agentClient.Agents.ClaimAsync(agent.Id, waitSeconds: 5);
        Assert.NotNull(job);
        using var runClient = Server.NewClient(job.RunToken);
        await runClient.Artifacts.UploadAsync(Workspace, run.Id, "outputs/model.pkl", new MemoryStream("mine"u8.ToArray()));

        var model = await runClient.Models.RegisterFromRunAsync(Workspace, run.Id, "outputs/model.pkl", new RegisterModelRequest("iris"));
        Assert.Equal((1, run.Id), (model.Version, model.RunId));
        Assert.Equal([1], (await runClient.Models.ListVersionsAsync(Workspace, "iris")).Select(m => m.Version));
        Assert.Equal(["iris"], (await runClient.Models.ListByRunAsync(Workspace, run.Id)).Select(m => m.Name));

        var refused = await Assert.ThrowsAsync<LoomForbiddenException>(() =>
            runClient.Models.RegisterFromRunAsync(Workspace, other.Id, "outputs/model.pkl", new RegisterModelRequest("stolen")));
        Assert.Equal(ErrorCodes.Forbidden, refused.Code);
        await Assert.ThrowsAsync<LoomForbiddenException>(() => runClient.Models.DeleteAsync(Workspace, "iris", 1));
        Assert.Equal(["iris"], (await Admin.Models.ListAsync(Workspace, allVersions: true)).Value.Select(m => m.Name));
    }
}
