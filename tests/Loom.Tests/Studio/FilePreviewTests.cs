using System.Text;
using Bunit;
using Loom.Studio.Components.Pages.Runs.Parts;

namespace Loom.Tests.Studio;

/// <summary>The file preview of the outputs and snapshot tabs.</summary>
public sealed class FilePreviewTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_file_picked_while_another_is_read_shows_and_the_first_read_is_cancelled()
    {
        var (held, release) = (new TaskCompletionSource<CancellationToken>(), new TaskCompletionSource());
        async Task<Stream> Open(string path, CancellationToken cancellationToken)
        {
            if (path == "slow.txt")
            {
                held.TrySetResult(cancellationToken);
                await release.Task.WaitAsync(cancellationToken);
            }
            return new MemoryStream(Encoding.UTF8.GetBytes($"the text of {path}"));
        }

        var preview = Context.Render<FilePreview>(p => p.Add(c => c.Path, "slow.txt").Add(c => c.Size, 100).Add(c => c.DownloadUrl, "/d/slow.txt")
            .Add(c => c.Open, ct => Open("slow.txt", ct)));
        var first = await held.Task.WaitAsync(Wait);
        preview.Render(p => p.Add(c => c.Path, "fast.txt").Add(c => c.Open, ct => Open("fast.txt", ct)));
        await preview.WaitForAssertionAsync(() => Assert.Equal("the text of fast.txt", preview.Find("pre").TextContent), Wait);
        Assert.True(first.IsCancellationRequested);

        release.SetResult();
        await Task.Delay(300);
        Assert.Equal("the text of fast.txt", preview.Find("pre").TextContent);
    }
}
