using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Tests.Unit;

public sealed class ValidateTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("a")]
    [InlineData("Exp_1.2-b")]
    public void Accepts_good_names(string name) => Assert.Equal(name, Validate.Name(name, "Workspace"));

    [Theory]
    [InlineData("")]
    [InlineData("-leading")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("ünïcode")]
    public void Rejects_bad_names(string name) =>
        Assert.Equal(ErrorCodes.InvalidName, Assert.Throws<LoomException>(() => Validate.Name(name, "Workspace")).Code);

    [Fact]
    public void Rejects_names_over_255_characters() =>
        Assert.Throws<LoomException>(() => Validate.Name(new string('a', 256), "Experiment"));

    [Theory]
    [InlineData("outputs/model.pkl")]
    [InlineData("a/b/c.txt")]
    [InlineData("..hidden/x")]
    public void Accepts_relative_paths(string path) => Assert.Equal(path, Validate.RelativePath(path));

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../b")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a/.")]
    [InlineData("C:/x")]
    [InlineData("")]
    [InlineData("a\nb")]
    public void Rejects_paths_that_could_escape_the_run(string path) =>
        Assert.Equal(ErrorCodes.InvalidPath, Assert.Throws<LoomException>(() => Validate.RelativePath(path)).Code);
}
