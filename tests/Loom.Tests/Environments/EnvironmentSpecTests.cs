using Loom.Contracts;
using Loom.Core.Common;
using Loom.Core.Environments;

namespace Loom.Tests.Environments;

/// <summary>The canonical form agents and servers must agree on, byte for byte.</summary>
public sealed class EnvironmentSpecTests
{
    [Fact]
    public void Canonical_json_sorts_keys_fills_defaults_and_cleans_requirement_lines()
    {
        var spec = EnvironmentRules.Normalize(
            new PythonSpec(Requirements: ["numpy==1.26.4", "  pandas  ", "", "# a comment", "scipy # pinned later", "pkg @ https://x/p.whl#egg=pkg"],
                PipOptions: new PipOptions(NoIndex: true, FindLinks: ["./wheels"])),
            null, new Dictionary<string, string> { ["B"] = "2", ["A"] = "é<1>" });
        const string Expected = """{"image":null,"python":{"interpreter":"python3","pipOptions":{"extraIndexUrls":[],"findLinks":["./wheels"],"indexUrl":null,"noIndex":true},"requirements":["numpy==1.26.4","pandas","scipy","pkg @ https://x/p.whl#egg=pkg"]},"variables":{"A":"é<1>","B":"2"}}""";
        Assert.Equal(Expected, spec.CanonicalJson());
        Assert.Equal(Hashes.Sha256Hex(Expected), spec.Hash());
        Assert.Equal(spec.CanonicalJson(), EnvironmentSpec.FromJson(spec.CanonicalJson()).CanonicalJson());
    }
}
