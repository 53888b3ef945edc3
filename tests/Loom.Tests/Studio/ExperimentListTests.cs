using Bunit;
using Loom.Contracts;
using Loom.Studio.Components.Pages.Experiments;

namespace Loom.Tests.Studio;

public sealed class ExperimentListTests : StudioComponentTest
{
    [Fact]
    public async Task An_empty_workspace_says_what_to_run_to_fill_it()
    {
        var page = Context.Render<ExperimentList>();
        await page.WaitForAssertionAsync(() => Assert.Contains("No experiments yet", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("loom run submit", page.Markup);
    }

    [Fact]
    public async Task Experiments_are_listed_with_their_run_counts_and_links()
    {
        for (var i = 0; i < 3; i++) await Server.Client.Runs.CreateAsync("default", new CreateRunRequest(Experiment: "alpha"));
        await Server.Client.Runs.CreateAsync("default", new CreateRunRequest(Experiment: "beta"));

        var page = Context.Render<ExperimentList>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll("tbody tr").Count), TimeSpan.FromSeconds(10));
        var alpha = page.FindAll("tbody tr").Single(r => r.TextContent.Contains("alpha"));
        Assert.Contains(">3<", alpha.InnerHtml);
        Assert.Equal("/experiments/alpha", alpha.QuerySelector("a")!.GetAttribute("href"));
    }
}
