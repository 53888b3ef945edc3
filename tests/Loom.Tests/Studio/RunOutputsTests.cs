using System.Text;
using Bunit;
using Loom.Blobs;
using Loom.Contracts;
using Loom.Core.Tracking;
using Loom.Studio.Components.Pages.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Loom.Tests.Studio;

/// <summary>The run page's outputs tab while the run is live: the open log follows every poll, the file lists are read less often.</summary>
public sealed class RunOutputsTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_open_log_follows_the_run_and_its_file_lists_are_read_every_few_seconds()
    {
        var artifacts = new CountingArtifactStore(Server.Services.GetRequiredService<IArtifactStore>());
        Context.Services.AddSingleton(new ArtifactService(artifacts, Server.Services.GetRequiredService<IBlobStore>(),
            Server.Services.GetRequiredService<RunService>(), Server.Services.GetRequiredService<TimeProvider>()));
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("outputs"));
        const string log = "user_logs/std_log.txt";
        await Server.Client.Logs.AppendAsync("default", run.Id, log, Encoding.UTF8.GetBytes("epoch 1\n"));
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/runs/{run.Id}?tab=outputs");
        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, run.Id));
        await page.WaitForAssertionAsync(() => Assert.Contains("epoch 1", page.Find($"[data-log='{log}']").TextContent), Wait);

        await Server.Client.Artifacts.UploadAsync("default", run.Id, "outputs/model.pkl", new MemoryStream([1, 2, 3]));
        var lists = artifacts.Lists;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var epoch = 2; epoch <= 5; epoch++)
        {
            await Server.Client.Logs.AppendAsync("default", run.Id, log, Encoding.UTF8.GetBytes($"epoch {epoch}\n"));
            await page.WaitForAssertionAsync(() => Assert.Contains($"epoch {epoch}", page.Find($"[data-log='{log}']").TextContent), Wait);
        }
        await page.WaitForAssertionAsync(() => Assert.Contains("model.pkl", page.Markup), Wait);
        // Four log lines followed one by one took four polls or more; the file list was read again at most once per 5 s.
        var reads = artifacts.Lists - lists;
        Assert.InRange(reads, 1, (int)(watch.Elapsed.TotalSeconds / LiveRunTabSlowRefresh) + 1);
    }

    private static readonly double LiveRunTabSlowRefresh = Loom.Studio.Components.Pages.Runs.Parts.LiveRunTab.SlowRefresh.TotalSeconds;

    private sealed class CountingArtifactStore(IArtifactStore inner) : IArtifactStore
    {
        private int _lists;
        public int Lists => Volatile.Read(ref _lists);

        public Task UpsertAsync(long runSeq, ArtifactDto artifact, CancellationToken cancellationToken) => inner.UpsertAsync(runSeq, artifact, cancellationToken);
        public Task<ArtifactDto?> FindAsync(long runSeq, string path, CancellationToken cancellationToken) => inner.FindAsync(runSeq, path, cancellationToken);

        public Task<IReadOnlyList<ArtifactDto>> ListAsync(long runSeq, string prefix, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lists);
            return inner.ListAsync(runSeq, prefix, cancellationToken);
        }
    }
}
