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

    [Fact]
    public async Task A_fault_while_following_a_log_keeps_its_lines_and_the_next_poll_reads_on()
    {
        var logs = new FailingLogStore(Server.Services.GetRequiredService<ILogStore>());
        Context.Services.AddSingleton(new LogService(logs, Server.Services.GetRequiredService<RunService>(), Server.Services.GetRequiredService<LogNotifier>()));
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("outputs"));
        const string log = "user_logs/std_log.txt";
        await Server.Client.Logs.AppendAsync("default", run.Id, log, Encoding.UTF8.GetBytes("epoch 1\n"));
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/runs/{run.Id}?tab=outputs");
        var page = Context.Render<RunPage>(p => p.Add(c => c.RunId, run.Id));
        await page.WaitForAssertionAsync(() => Assert.Contains("epoch 1", page.Find($"[data-log='{log}']").TextContent), Wait);

        logs.Failing = true;
        await Server.Client.Logs.AppendAsync("default", run.Id, log, Encoding.UTF8.GetBytes("epoch 2\n"));
        await page.WaitForAssertionAsync(() => Assert.Contains("Reading the rest of this log failed", page.Markup), Wait);
        Assert.Contains("epoch 1", page.Find($"[data-log='{log}']").TextContent);
        logs.Failing = false;
        await page.WaitForAssertionAsync(() => Assert.Contains("epoch 2", page.Find($"[data-log='{log}']").TextContent), Wait);
        Assert.DoesNotContain("Reading the rest of this log failed", page.Markup);
    }

    private sealed class FailingLogStore(ILogStore inner) : ILogStore
    {
        private volatile bool _failing;
        public bool Failing { get => _failing; set => _failing = value; }

        public Task<long> AppendAsync(long runSeq, string file, long? offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            inner.AppendAsync(runSeq, file, offset, data, cancellationToken);
        public Task<IReadOnlyList<LogFileDto>> ListAsync(long runSeq, CancellationToken cancellationToken) => inner.ListAsync(runSeq, cancellationToken);
        public Task<long?> LengthAsync(long runSeq, string file, CancellationToken cancellationToken) => inner.LengthAsync(runSeq, file, cancellationToken);

        public Task<byte[]> ReadAsync(long runSeq, string file, long offset, long length, CancellationToken cancellationToken) =>
            Failing ? throw new IOException("the log store is busy") : inner.ReadAsync(runSeq, file, offset, length, cancellationToken);
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
