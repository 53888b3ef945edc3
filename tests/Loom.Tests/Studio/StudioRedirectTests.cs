using Loom.Studio.Session;

namespace Loom.Tests.Studio;

/// <summary>Where the Studio goes after sign-in or a workspace switch: only ever a path on this server.</summary>
public sealed class StudioRedirectTests
{
    [Theory]
    [InlineData("/runs/abc?tab=metrics", "/runs/abc?tab=metrics")]
    [InlineData("/", "/")]
    [InlineData(null, "/experiments")]
    [InlineData("", "/experiments")]
    [InlineData("https://evil.example/", "/experiments")]
    [InlineData("//evil.example/", "/experiments")]
    [InlineData("/\\evil.example/", "/experiments")]
    [InlineData("/\t/evil.example/", "/experiments")]
    [InlineData("/\n/evil.example/", "/experiments")]
    [InlineData("/runs/a\\b", "/experiments")]
    [InlineData("experiments", "/experiments")]
    public void Only_local_paths_are_followed(string? returnUrl, string expected) =>
        Assert.Equal(expected, StudioEndpoints.LocalOnly(returnUrl));
}
