using System.IO.Compression;
using System.Text.RegularExpressions;
using Loom.Client.Snapshots;
using Loom.Contracts;
using Loom.TestKit;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Loom.Tests.Studio;

/// <summary>
/// The model and endpoint pages in Debian's Chromium against a real server: a model registered with the client is deployed from the browser
/// (no-code ONNX, served by the server's deployment host), tested from the endpoint's form, and its requests show in the charts.
/// </summary>
public sealed class EndpointPageBrowserTests : IDisposable
{
    private static readonly Dictionary<string, string?> FastTelemetry = new() { ["Endpoints:TelemetryFlushMilliseconds"] = "50" };
    private readonly TempDirectory _files = new("loom-studio-browser");

    public void Dispose() => _files.Dispose();

    private async Task RegisterAsync(LoomTestServer server, string file, byte[] content, RegisterModelRequest request)
    {
        var path = _files.Combine(file);
        await File.WriteAllBytesAsync(path, content);
        await server.Client.Models.RegisterFromPathAsync("default", path, request, new SnapshotUploadOptions { CacheFolder = _files.Combine(".hashes") });
    }

    /// <summary>Whether a chart's drawn traces hold any value above zero.</summary>
    private const string ChartTotal = """
        chart => {
            const plot = document.querySelector(`[data-chart=${chart}] .js-plotly-plot`);
            return !!plot && !!plot.data && plot.data.some(trace => (trace.y || []).some(y => y > 0));
        }
        """;

    [Fact]
    public async Task A_model_deployed_from_the_browser_answers_the_test_form_and_its_requests_are_charted()
    {
        await using var server = await LoomTestServer.StartAsync(settings: FastTelemetry);
        var run = await server.Client.Runs.CreateAsync("default", new CreateRunRequest("linear-training"));
        await server.Client.Artifacts.UploadAsync("default", run.Id, "outputs/linear.onnx", new MemoryStream(OnnxModelBuilder.LinearModel()));
        await server.Client.Models.RegisterFromRunAsync("default", run.Id, "outputs/linear.onnx", new RegisterModelRequest("linear",
            "Y = XW + B, exported to ONNX", new Dictionary<string, string> { ["stage"] = "candidate" }, new Dictionary<string, string> { ["inputs"] = "3" },
            "onnx", "13"));
        await RegisterAsync(server, "linear.onnx", OnnxModelBuilder.LinearModel(), new RegisterModelRequest("linear", "Re-exported with opset 13",
            new Dictionary<string, string> { ["stage"] = "production" }, Framework: "onnx", FrameworkVersion: "13"));
        await RegisterAsync(server, "model.json", """{"weights": [0.1, 0.2]}"""u8.ToArray(), new RegisterModelRequest("iris-plain", "Softmax regression",
            new Dictionary<string, string> { ["data"] = "iris" }, Framework: "custom"));

        await using var browser = await StudioBrowser.LaunchAsync();
        var page = await browser.SignInAsync(server.Url, server.AdminToken, "/models");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "iris-plain" })).ToBeVisibleAsync();
        await StudioBrowser.ScreenshotAsync(page, "models");

        await page.GetByRole(AriaRole.Link, new() { Name = "linear", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "linear", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = run.Id })).ToHaveAttributeAsync("href", $"/runs/{run.Id}");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Zip" }).Last.ClickAsync());
        Assert.Equal("linear-1.zip", download.SuggestedFilename);
        await download.SaveAsAsync(_files.Combine("linear-1.zip"));
        using (var zip = ZipFile.OpenRead(_files.Combine("linear-1.zip")))
            Assert.Equal(OnnxModelBuilder.LinearModel().Length, zip.GetEntry("linear.onnx")!.Length);
        await StudioBrowser.ScreenshotAsync(page, "model");

        await page.GetByRole(AriaRole.Button, new() { Name = "Deploy" }).First.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("serves it without code");
        await Expect(dialog.Locator(".loom-deploy-command")).ToContainTextAsync("./loom endpoint create linear --auth key");
        await Expect(dialog.Locator(".loom-deploy-command")).ToContainTextAsync("--model linear:2");
        await StudioBrowser.ScreenshotAsync(page, "model-deploy");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Deploy" }).ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/endpoints/linear");
        await Expect(page.Locator(".loom-deployments")).ToContainTextAsync(DeploymentStates.Succeeded, new() { Timeout = 60_000 });
        var body = page.Locator("textarea[data-testid=test-body]");
        await Expect(body).ToHaveValueAsync(new Regex("\"inputs\""));
        await body.FillAsync("""{"data": [[1, 2, 3], [0, 0, 0]]}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(page.Locator(".loom-test-result")).ToContainTextAsync("200 OK");
        await Expect(page.Locator("[data-testid=test-response]")).ToContainTextAsync("4.5");
        await Expect(page.Locator(".loom-test-result")).ToContainTextAsync("answered by blue");
        Assert.Equal(["linear:2"], (await server.Client.Endpoints.GetDeploymentAsync("default", "linear", "blue")).Models);

        // A second deployment, of the first version, takes a fifth of the traffic; requests through the form and the scoring URI fill the charts.
        await server.Client.Endpoints.CreateDeploymentAsync("default", "linear", new CreateDeploymentRequest("green", ["linear:1"]));
        await server.Client.Endpoints.WaitForDeploymentAsync("default", "linear", "green", TimeSpan.FromMilliseconds(100));
        await server.Client.Endpoints.UpdateAsync("default", "linear", new UpdateEndpointRequest(new Dictionary<string, int> { ["blue"] = 80, ["green"] = 20 }));
        for (var i = 0; i < 12; i++)
            await server.Client.Endpoints.InvokeAsync("default", "linear", System.Text.Encoding.UTF8.GetBytes($$"""{"data": [[{{i}}, 1, 2]]}"""));
        await body.FillAsync("""{"data": [[1, 2]]}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        // Refused as bad input or failed in scoring, depending on the host: either way a 4xx or 5xx problem that telemetry counts.
        await Expect(page.Locator(".loom-test-result")).ToHaveAttributeAsync("data-status", new Regex("^[45][0-9][0-9]$"));

        await Expect(page.Locator(".loom-deployments")).ToContainTextAsync("green");
        await Expect(page.Locator(".loom-errors")).ToContainTextAsync("shape (n, 3)");
        await Expect(page.Locator(".loom-summary")).ToContainTextAsync("14");
        // The charts hold what the browser's Plotly drew: requests counted per minute, and latency points.
        await page.WaitForFunctionAsync(ChartTotal, "requests", new() { Timeout = 20_000 });
        await page.WaitForFunctionAsync(ChartTotal, "latency", new() { Timeout = 20_000 });
        await StudioBrowser.ScreenshotAsync(page, "endpoint");

        var keys = await server.Client.Endpoints.GetKeysAsync("default", "linear");
        await Expect(page.Locator(".loom-keys")).Not.ToContainTextAsync(keys.PrimaryKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reveal" }).ClickAsync();
        await Expect(page.Locator(".loom-keys")).ToContainTextAsync(keys.PrimaryKey);

        await page.GetByRole(AriaRole.Link, new() { Name = "Endpoints" }).First.ClickAsync();
        await Expect(page.Locator(".loom-endpoints")).ToContainTextAsync("blue 80%");
        await StudioBrowser.ScreenshotAsync(page, "endpoints");

        var missing = await page.APIRequest.GetAsync("/studio/download/default/models/linear/versions/9/zip");
        Assert.Equal(404, missing.Status);
        Assert.Contains("linear:9", await missing.TextAsync());
    }
}
