using System.Text.Json;
using Bunit;
using Loom.Contracts;
using Loom.Studio.Components.Pages.Environments;
using Loom.TestKit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using YamlDotNet.Serialization;

namespace Loom.Tests.Studio;

/// <summary>The environments page: names with versions, and a version's spec (as YAML and JSON) and hash.</summary>
public sealed class EnvironmentPageTests : StudioComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static CreateEnvironmentRequest Sklearn(params string[] requirements) => new("sklearn", "scikit-learn for the iris sample",
        new Dictionary<string, string> { ["sample"] = "iris" }, new PythonSpec("/usr/bin/python3", requirements, SystemSitePackages: true),
        Variables: new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" });

    private void Navigate(string address) => Context.Services.GetRequiredService<NavigationManager>().NavigateTo(address);

    [Fact]
    public async Task With_only_the_system_environment_the_page_says_how_to_register_one()
    {
        var page = Context.Render<EnvironmentList>();
        await page.WaitForAssertionAsync(() => Assert.Contains("No environments registered yet", page.Markup), Wait);
        Assert.Contains("./loom environment create --file samples/iris/env.yml", page.Markup);
        Assert.Equal("system", page.Find("tbody tr a").TextContent);
    }

    [Fact]
    public async Task A_chosen_version_shows_its_hash_and_its_spec_as_yaml_and_json()
    {
        var first = await Server.Client.Environments.CreateAsync("default", Sklearn("scikit-learn"));
        var second = await Server.Client.Environments.CreateAsync("default", Sklearn("scikit-learn", "numpy"));

        Navigate("/environments?name=sklearn");
        var latest = Context.Render<EnvironmentList>();
        await latest.WaitForAssertionAsync(() => Assert.Contains(second.Hash, latest.Find(".loom-environment").TextContent), Wait);
        Assert.DoesNotContain("No environments registered yet", latest.Markup);
        Assert.Equal(["v2", "v1"], latest.FindAll(".loom-environment .mud-chip").Select(c => c.TextContent.Trim()).Take(2));
        var yaml = latest.Find(".loom-yaml").TextContent;
        Assert.Contains("  requirements:\n    - scikit-learn\n    - numpy\n", yaml);
        Assert.Contains("name: sklearn\n", yaml);

        // v1's chip links to its address, and the page follows the address.
        var v1 = latest.FindAll(".loom-environment .mud-chip").Single(c => c.TextContent.Trim() == "v1");
        var link = (v1.TagName == "A" ? v1 : v1.QuerySelector("a") ?? v1.Closest("a"))!.GetAttribute("href")!;
        Assert.EndsWith("/environments?name=sklearn&version=1", link);
        Navigate(link);
        await latest.WaitForAssertionAsync(() => Assert.Contains(first.Hash, latest.Find(".loom-environment").TextContent), Wait);
        latest.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "JSON").Click();
        var json = JsonDocument.Parse(latest.Find(".loom-json").TextContent).RootElement;
        Assert.Equal(first.Hash, json.GetProperty("hash").GetString());
        Assert.Equal(["scikit-learn"], json.GetProperty("python").GetProperty("requirements").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task An_unknown_environment_or_version_is_a_clear_message()
    {
        await Server.Client.Environments.CreateAsync("default", Sklearn("scikit-learn"));
        Navigate("/environments?name=no-such-env");
        var unknown = Context.Render<EnvironmentList>();
        await unknown.WaitForAssertionAsync(() => Assert.Contains("Environment 'no-such-env' does not exist", unknown.Find(".mud-alert").TextContent), Wait);
        Navigate("/environments?name=sklearn&version=7");
        await unknown.WaitForAssertionAsync(() => Assert.Contains("Environment 'sklearn:7' does not exist", unknown.Find(".mud-alert").TextContent), Wait);
    }

    [Fact]
    public async Task The_yaml_shown_registers_the_same_environment_with_the_cli()
    {
        var environment = await Server.Client.Environments.CreateAsync("default", new CreateEnvironmentRequest("tricky", "quotes: 'a' and \"b\" # not a comment",
            new Dictionary<string, string> { ["null"] = "yes", ["version"] = "1.0", ["empty"] = "" },
            new PythonSpec("/usr/bin/python3", ["scikit-learn>=1.2,<2", "numpy ; python_version > '3.8'", "./vendor/pkg"],
                new PipOptions("https://pypi.example/simple", ["https://extra.example/simple"], ["/srv/wheels"], NoIndex: false), SystemSitePackages: true),
            "registry.example/ml:1.0", new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1", ["GREETING"] = "a: b" }));
        var yaml = EnvironmentYaml.Write(environment);

        using var folder = new TempDirectory("loom-studio-env");
        File.WriteAllText(folder.Combine("env.yml"), yaml);
        var cli = new CliProcess(folder.Path);
        cli.Environment["LOOM_URL"] = Server.Url.ToString();
        cli.Environment["LOOM_TOKEN"] = Server.AdminToken;
        var created = await cli.RunAsync("environment", "create", "--file", folder.Combine("env.yml"), "--name", "tricky-again", "-o", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(environment.Hash, JsonDocument.Parse(created.Stdout).RootElement.GetProperty("hash").GetString());
    }

    [Theory]
    [InlineData("plain-word")]
    [InlineData("scikit-learn>=1.2,<2")]
    [InlineData("/usr/bin/python3")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("yes")]
    [InlineData("1.0")]
    [InlineData(".inf")]
    [InlineData("a: b")]
    [InlineData("#hash")]
    [InlineData("- dash")]
    [InlineData("it's")]
    [InlineData("")]
    [InlineData(" padded ")]
    [InlineData("line\nbreak")]
    [InlineData("{braces}")]
    public void A_scalar_reads_back_as_the_same_string(string value)
    {
        var read = new DeserializerBuilder().Build().Deserialize<Dictionary<string, string?>>($"key: {EnvironmentYaml.Scalar(value)}\n");
        Assert.Equal(value, read["key"]);
    }
}
