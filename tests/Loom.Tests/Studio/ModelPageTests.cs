using System.Net;
using System.Security.Claims;
using System.Text;
using Bunit;
using Loom.Client.Snapshots;
using Loom.Contracts;
using Loom.Core.Identity;
using Loom.Studio.Components.Pages.Models;
using Loom.TestKit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Loom.Tests.Studio;

/// <summary>The model pages: the registry's latest versions, one model's versions with lineage and files, its zip and the deploy dialog.</summary>
public sealed class ModelPageTests : StudioComponentTest, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _files = new("loom-studio-models");

    public void Dispose() => _files.Dispose();

    private async Task<ModelDto> RegisterFileAsync(string name, string file, byte[] content, RegisterModelRequest? request = null)
    {
        var path = _files.Combine(file);
        await File.WriteAllBytesAsync(path, content);
        return await Server.Client.Models.RegisterFromPathAsync("default", path, request ?? new RegisterModelRequest(name),
            new SnapshotUploadOptions { CacheFolder = _files.Combine(".hashes") });
    }

    private async Task<(RunDto Run, ModelDto Model)> RegisterFromRunAsync()
    {
        var run = await Server.Client.Runs.CreateAsync("default", new CreateRunRequest("iris-training"));
        await Server.Client.Artifacts.UploadAsync("default", run.Id, "outputs/model.pkl", new MemoryStream(new byte[2048]));
        await Server.Client.Artifacts.UploadAsync("default", run.Id, "outputs/labels.txt", new MemoryStream("setosa\nversicolor\n"u8.ToArray()));
        var model = await Server.Client.Models.RegisterFromRunAsync("default", run.Id, "outputs", new RegisterModelRequest("iris", "The iris classifier",
            new Dictionary<string, string> { ["stage"] = "candidate" }, new Dictionary<string, string> { ["accuracy"] = "0.93" }, "sklearn", "1.2.1"));
        return (run, model);
    }

    /// <summary>The page and a dialog provider, as the layout holds them.</summary>
    private IRenderedComponent<Bunit.Rendering.ContainerFragment> RenderWithDialogs(string model) => Context.Render(builder =>
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<MudDialogProvider>(1);
        builder.CloseComponent();
        builder.OpenComponent<ModelDetails>(2);
        builder.AddAttribute(3, nameof(ModelDetails.Name), model);
        builder.CloseComponent();
    });

    private void SignInAsReader() => Context.AddAuthorization().SetAuthorized("reader").SetClaims(new Claim(LoomClaims.Admin, "false"),
        new Claim(LoomClaims.Workspace, "default"), new Claim(LoomClaims.Role, nameof(Role.Reader)), new Claim(LoomClaims.Kind, TokenKinds.User));

    [Fact]
    public async Task An_empty_registry_says_how_to_register_a_model()
    {
        var page = Context.Render<ModelList>();
        await page.WaitForAssertionAsync(() => Assert.Contains("No models registered yet", page.Markup), Wait);
        Assert.Contains("./loom model register --name iris --run &lt;run id&gt; --path outputs/model.pkl", page.Markup);
    }

    [Fact]
    public async Task Models_are_listed_with_their_latest_version_framework_tags_and_source_run()
    {
        var (run, _) = await RegisterFromRunAsync();
        await Server.Client.Models.RegisterFromRunAsync("default", run.Id, "outputs/model.pkl", new RegisterModelRequest("iris", Framework: "sklearn",
            Tags: new Dictionary<string, string> { ["stage"] = "production" }));
        await RegisterFileAsync("linear", "linear.onnx", OnnxModelBuilder.LinearModel(), new RegisterModelRequest("linear", Framework: "onnx"));

        var page = Context.Render<ModelList>();
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll("tbody tr").Count), Wait);
        var iris = page.FindAll("tbody tr").Single(r => r.TextContent.Contains("iris"));
        Assert.Equal("/models/iris", iris.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("2", iris.Children[1].TextContent.Trim());
        Assert.Contains("stage=production", iris.TextContent);
        Assert.Contains($"/runs/{run.Id}", iris.InnerHtml);
        Assert.Contains("onnx", page.FindAll("tbody tr").Single(r => r.TextContent.Contains("linear")).TextContent);
    }

    [Fact]
    public async Task A_model_shows_its_versions_with_lineage_files_and_a_zip_link()
    {
        var (run, first) = await RegisterFromRunAsync();
        var second = await RegisterFileAsync("iris", "model.pkl", Encoding.UTF8.GetBytes("weights v2"), new RegisterModelRequest("iris", Description: "Retrained"));

        var page = Context.Render<ModelDetails>(p => p.Add(c => c.Name, "iris"));
        await page.WaitForAssertionAsync(() => Assert.Equal(2, page.FindAll(".loom-version").Count), Wait);
        var versions = page.FindAll(".loom-version");
        Assert.Equal(["2", "1"], versions.Select(v => v.GetAttribute("data-version")));
        Assert.Contains("latest", versions[0].TextContent);
        Assert.Contains("uploaded from files", versions[0].TextContent);
        Assert.Contains("Retrained", versions[0].TextContent);
        var older = versions[1];
        Assert.Equal($"/runs/{run.Id}", older.QuerySelectorAll("a").Single(a => a.GetAttribute("href")?.StartsWith("/runs/") == true).GetAttribute("href"));
        Assert.Contains("outputs", older.TextContent);
        Assert.Contains("accuracy=0.93", older.TextContent);
        Assert.Contains("stage=candidate", older.TextContent);
        Assert.Contains("sklearn 1.2.1", older.TextContent);
        Assert.Contains("2 files, 2.0 KB", older.TextContent);
        var zip = versions[0].QuerySelectorAll("a").Single(a => a.TextContent.Contains("Zip"));
        Assert.Equal($"/studio/download/default/models/iris/versions/{second.Version}/zip", zip.GetAttribute("href"));
        Assert.Equal("iris-2.zip", zip.GetAttribute("download"));

        // The latest version's files are open; an older one's open on a click.
        Assert.Contains("model.pkl", page.Find(".loom-version[data-version='2'] .loom-files").TextContent);
        Assert.Empty(page.FindAll(".loom-version[data-version='1'] .loom-files"));
        page.Find(".loom-version[data-version='1'] .loom-files-toggle").Click();
        var files = page.Find(".loom-version[data-version='1'] .loom-files").TextContent;
        Assert.Contains("outputs/labels.txt", files);
        Assert.Contains("2.0 KB", files);
        Assert.Contains(first.Files[0].Sha256[..16], files);
    }

    [Fact]
    public async Task An_unknown_model_is_a_clear_message()
    {
        var page = Context.Render<ModelDetails>(p => p.Add(c => c.Name, "no-such-model"));
        await page.WaitForAssertionAsync(() => Assert.Contains("Model 'no-such-model' does not exist", page.Find(".mud-alert").TextContent), Wait);
        Assert.Equal("/models", page.Find("a[href='/models']").GetAttribute("href"));
    }

    [Fact]
    public async Task Deploying_a_model_with_code_shows_the_cli_commands_to_copy()
    {
        await RegisterFromRunAsync();
        var page = RenderWithDialogs("iris");
        await page.WaitForAssertionAsync(() => Assert.Contains(page.FindAll("button"), b => b.TextContent.Contains("Deploy")), Wait);
        page.FindAll("button").First(b => b.TextContent.Contains("Deploy")).Click();

        await page.WaitForAssertionAsync(() => Assert.Contains("./loom deployment create", page.Find(".loom-deploy-command").TextContent), Wait);
        // Long lines are continued with a backslash; joined, they are the command.
        var command = page.Find(".loom-deploy-command").TextContent.Replace(" \\\n    ", " ");
        Assert.Contains("./loom endpoint create iris --auth key\n", command);
        Assert.Contains("--endpoint iris --name blue --model iris:1", command);
        Assert.Contains("--source-dir . --entry-script score.py", command);
        Assert.Contains("--environment system", command);
        Assert.DoesNotContain(page.FindAll(".mud-dialog button"), b => b.TextContent.Trim() == "Deploy");
    }

    [Fact]
    public async Task An_onnx_model_is_deployed_from_the_dialog_to_a_new_endpoint()
    {
        await RegisterFileAsync("linear", "linear.onnx", OnnxModelBuilder.LinearModel(), new RegisterModelRequest("linear", Framework: "onnx"));
        var page = RenderWithDialogs("linear");
        await page.WaitForAssertionAsync(() => Assert.Contains(page.FindAll("button"), b => b.TextContent.Contains("Deploy")), Wait);
        page.FindAll("button").First(b => b.TextContent.Contains("Deploy")).Click();
        await page.WaitForAssertionAsync(() => Assert.Contains("serves it without code", page.Find(".mud-dialog").TextContent), Wait);
        Assert.DoesNotContain("--source-dir", page.Find(".loom-deploy-command").TextContent);

        page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Deploy").Click();

        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        await page.WaitForAssertionAsync(() => Assert.EndsWith("/endpoints/linear", navigation.Uri), Wait);
        var deployment = await Server.Client.Endpoints.GetDeploymentAsync("default", "linear", "blue");
        Assert.Equal(["linear:1"], deployment.Models);
        Assert.Null(deployment.EntryScript);
    }

    [Fact]
    public async Task A_reader_sees_the_commands_but_cannot_deploy_from_the_browser()
    {
        await RegisterFileAsync("linear", "linear.onnx", OnnxModelBuilder.LinearModel());
        SignInAsReader();
        var page = RenderWithDialogs("linear");
        await page.WaitForAssertionAsync(() => Assert.Contains(page.FindAll("button"), b => b.TextContent.Contains("Deploy")), Wait);
        page.FindAll("button").First(b => b.TextContent.Contains("Deploy")).Click();

        await page.WaitForAssertionAsync(() => Assert.Contains("needs the Contributor role", page.Find(".mud-dialog").TextContent), Wait);
        Assert.True(page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Deploy").HasAttribute("disabled"));
        Assert.Contains("./loom deployment create", page.Find(".loom-deploy-command").TextContent);
    }

    [Fact]
    public async Task The_studio_zip_download_wants_a_studio_session()
    {
        await RegisterFileAsync("iris", "model.pkl", "weights"u8.ToArray());
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.Url };
        var response = await anonymous.GetAsync("/studio/download/default/models/iris/versions/1/zip");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.AbsolutePath);
        // A bearer token is the API's credential, not the Studio's.
        anonymous.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Server.AdminToken);
        var bearer = await anonymous.GetAsync("/studio/download/default/models/iris/versions/1/zip");
        Assert.Equal(HttpStatusCode.Redirect, bearer.StatusCode);
    }
}
