using Loom.Contracts;
using Loom.TestKit;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Loom.Tests.Studio;

/// <summary>The environments page in Debian's Chromium, filled by <c>loom environment create</c> from the iris sample's file.</summary>
public sealed class EnvironmentPageBrowserTests : IDisposable
{
    private readonly TempDirectory _home = new("loom-studio-env-home");

    public void Dispose() => _home.Dispose();

    private static string SampleFile()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Loom.slnx"))) root = root.Parent;
        return Path.Combine(root?.FullName ?? throw new InvalidOperationException("Loom.slnx not found above the tests."), "samples", "iris", "env.yml");
    }

    [Fact]
    public async Task An_environment_registered_with_the_cli_shows_its_versions_spec_and_hash()
    {
        await using var server = await LoomTestServer.StartAsync();
        var cli = new CliProcess(_home.Path);
        cli.Environment["LOOM_URL"] = server.Url.ToString();
        cli.Environment["LOOM_TOKEN"] = server.AdminToken;
        var created = await cli.RunAsync("environment", "create", "--file", SampleFile());
        Assert.True(created.ExitCode == 0, created.ToString());
        var second = await server.Client.Environments.CreateAsync("default", new CreateEnvironmentRequest("sklearn", "scikit-learn, numpy and pandas",
            new Dictionary<string, string> { ["sample"] = "iris" }, new PythonSpec("/usr/bin/python3", ["scikit-learn", "numpy", "pandas"], SystemSitePackages: true)));
        await server.Client.Environments.CreateAsync("default", new CreateEnvironmentRequest("torch-cpu", "PyTorch on CPU",
            Python: new PythonSpec(Requirements: ["torch==2.3.1", "torchvision"], PipOptions: new PipOptions(IndexUrl: "https://download.pytorch.org/whl/cpu")),
            Variables: new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "4" }));

        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Url, server.AdminToken, "/environments");
        await page.GetByRole(AriaRole.Link, new() { Name = "sklearn" }).ClickAsync();
        var details = page.Locator(".loom-environment");
        await Expect(details).ToContainTextAsync(second.Hash);
        await Expect(details.Locator(".loom-yaml")).ToContainTextAsync("- pandas");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/environments\\?name=sklearn$"));
        await StudioBrowser.ScreenshotAsync(page, "environments");

        await details.GetByRole(AriaRole.Link, new() { Name = "v1" }).ClickAsync();
        await Expect(details.Locator(".loom-yaml")).Not.ToContainTextAsync("pandas");
        await details.GetByRole(AriaRole.Tab, new() { Name = "JSON" }).ClickAsync();
        await Expect(details.Locator(".loom-json")).ToContainTextAsync("\"requirements\"");
    }
}
