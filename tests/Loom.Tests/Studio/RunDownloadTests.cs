using System.IO.Compression;
using System.Net;
using System.Text;
using Loom.Contracts;
using Loom.Studio.Session;
using Loom.TestKit;
using Microsoft.Playwright;

namespace Loom.Tests.Studio;

/// <summary>
/// The Studio's downloads (<c>/studio/download/...</c>): the browser fetches a run's files with its session cookie, and
/// only with a role in the workspace; a bad path is a problem, never a 500.
/// </summary>
public sealed class RunDownloadTests
{
    private const string Workspace = "default";

    [Fact]
    public async Task Artifacts_logs_and_the_snapshot_download_with_the_session_cookie()
    {
        await using var server = await LoomTestServer.StartAsync();
        using var source = new TempDirectory("studio-snapshot");
        File.WriteAllText(Path.Combine(source.Path, "train.py"), "print('hello')\n");
        Directory.CreateDirectory(Path.Combine(source.Path, "lib"));
        File.WriteAllText(Path.Combine(source.Path, "lib", "util.py"), "X = 1\n");
        var snapshot = await server.Client.Snapshots.CreateFromFolderAsync(Workspace, source.Path);
        var run = await server.Client.Runs.CreateAsync(Workspace, new CreateRunRequest("downloads",
            Properties: new() { ["loom.snapshotId"] = snapshot.Id, ["loom.script"] = "train.py" }));
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251)).ToArray();
        await server.Client.Artifacts.UploadAsync(Workspace, run.Id, "outputs/weights v1.bin", new MemoryStream(bytes));
        var log = new StringBuilder();
        for (var i = 0; i < 50_000; i++) log.Append("line ").Append(i).Append('\n');
        await server.Client.Logs.AppendAsync(Workspace, run.Id, "user_logs/std_log.txt", Encoding.UTF8.GetBytes(log.ToString()));

        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Url, server.AdminToken, $"/runs/{run.Id}");
        var http = page.Context.APIRequest;

        var artifact = await http.GetAsync(StudioDownloads.ArtifactUrl(Workspace, run.Id, "outputs/weights v1.bin"));
        Assert.Equal(200, artifact.Status);
        Assert.Equal(bytes, await artifact.BodyAsync());
        Assert.Equal("nosniff", artifact.Headers["x-content-type-options"]);

        var logFile = await http.GetAsync(StudioDownloads.LogUrl(Workspace, run.Id, "user_logs/std_log.txt"));
        Assert.Equal(200, logFile.Status);
        Assert.Equal(log.ToString(), await logFile.TextAsync());

        var zip = await http.GetAsync(StudioDownloads.SnapshotZipUrl(Workspace, run.Id));
        Assert.Equal(200, zip.Status);
        using (var archive = new ZipArchive(new MemoryStream(await zip.BodyAsync())))
            Assert.Equal(["lib/util.py", "train.py"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        var script = await http.GetAsync(StudioDownloads.SnapshotFileUrl(Workspace, run.Id, "train.py"));
        Assert.Equal("print('hello')\n", await script.TextAsync());

        foreach (var (url, code) in new[]
        {
            (StudioDownloads.ArtifactUrl(Workspace, run.Id, "outputs/missing.bin"), ErrorCodes.ArtifactNotFound),
            (StudioDownloads.LogUrl(Workspace, run.Id, "nope.txt"), ErrorCodes.LogNotFound),
            (StudioDownloads.ArtifactUrl(Workspace, "no-such-run", "a.txt"), ErrorCodes.RunNotFound),
            (StudioDownloads.SnapshotFileUrl(Workspace, run.Id, "missing.py"), ErrorCodes.NotFound),
        })
        {
            var missing = await http.GetAsync(url);
            Assert.Equal(404, missing.Status);
            Assert.StartsWith("application/problem+json", missing.Headers["content-type"]);
            Assert.Contains(code, await missing.TextAsync());
        }
        var escape = await http.GetAsync($"/studio/download/{Workspace}/runs/{run.Id}/artifacts/..%2F..%2Fetc%2Fpasswd");
        Assert.InRange(escape.Status, 400, 404);

        // The snapshot tab opens on the run's script and offers the same downloads.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Snapshot" }).ClickAsync();
        await Assertions.Expect(page.Locator("pre")).ToContainTextAsync("print('hello')");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download zip" }))
            .ToHaveAttributeAsync("href", StudioDownloads.SnapshotZipUrl(Workspace, run.Id));
        await StudioBrowser.ScreenshotAsync(page, "run-snapshot");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Outputs + logs" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-log='user_logs/std_log.txt']")).ToContainTextAsync("line 49999");
        await page.GetByText("weights v1.bin").ClickAsync();
        await Assertions.Expect(page.GetByText("This file is not text")).ToBeVisibleAsync();
        await StudioBrowser.ScreenshotAsync(page, "run-outputs");
    }

    [Fact]
    public async Task Without_a_session_or_a_role_in_the_workspace_nothing_downloads()
    {
        await using var server = await LoomTestServer.StartAsync();
        var run = await server.Client.Runs.CreateAsync(Workspace, new CreateRunRequest("downloads"));
        await server.Client.Artifacts.UploadAsync(Workspace, run.Id, "secret.txt", new MemoryStream("secret"u8.ToArray()));
        var url = StudioDownloads.ArtifactUrl(Workspace, run.Id, "secret.txt");

        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Url };
        var response = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.AbsolutePath);
        // The REST API's bearer token is not a Studio session either.
        anonymous.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.AdminToken);
        var bearer = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, bearer.StatusCode);

        await server.Client.Workspaces.CreateAsync(new CreateWorkspaceRequest("elsewhere"));
        var outsider = await server.Client.Tokens.CreateAsync(new CreateTokenRequest("outsider", "elsewhere", Role.Reader));
        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Url, outsider.Token);
        var refused = await page.Context.APIRequest.GetAsync(url);
        Assert.Equal(403, refused.Status);
        Assert.Contains(ErrorCodes.Forbidden, await refused.TextAsync());
    }
}
