using System.Text.RegularExpressions;
using Loom.Contracts;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Loom.Cli.Commands.Environments;

/// <summary>
/// Reads an environment's YAML file into a request. Every problem with the file is a <see cref="UsageException"/>
/// naming the file and, when YamlDotNet knows it, the line and column.
/// </summary>
internal static partial class EnvironmentFile
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    public static CreateEnvironmentRequest Read(string path, string? name)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read environment file '{path}': {e.Message}");
        }
        FileModel? model;
        try { model = Yaml.Deserialize<FileModel?>(text); }
        catch (YamlException e)
        {
            var cause = e.InnerException is { } inner and not YamlException ? inner.Message : MarkPrefix().Replace(e.Message, "");
            throw new UsageException($"{path}:{e.Start.Line}:{e.Start.Column}: {cause}");
        }
        if (model is null) throw new UsageException($"{path} is empty; it needs at least 'name:' and 'python:'.");
        var resolvedName = name ?? model.Name;
        if (string.IsNullOrWhiteSpace(resolvedName)) throw new UsageException($"{path} has no 'name:'; add one or pass --name.");
        return new CreateEnvironmentRequest(resolvedName, model.Description, model.Tags, Python(path, model.Python), model.Image, model.Variables);
    }

    private static PythonSpec? Python(string path, PythonModel? python)
    {
        if (python is null) return null;
        var requirements = python.Requirements;
        if (python.RequirementsFile is { } file)
        {
            if (requirements is not null) throw new UsageException($"{path}: python has both 'requirements' and 'requirementsFile'; use one.");
            var full = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, file);
            try { requirements = [.. File.ReadAllLines(full)]; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{path}: cannot read requirementsFile '{file}': {e.Message}");
            }
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // A relative find-links folder means one beside the file, wherever the agent runs it from.
        var findLinks = python.PipOptions?.FindLinks?.Select(link =>
            link.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(link) ? link : Path.GetFullPath(Path.Combine(folder, link))).ToList();
        var pip = python.PipOptions is { } p ? new PipOptions(p.IndexUrl, p.ExtraIndexUrls, findLinks, p.NoIndex) : null;
        return new PythonSpec(python.Interpreter, requirements, pip, python.SystemSitePackages);
    }

    // YamlDotNet fills these by reflection; an unknown key is an error with its line.
    internal sealed class FileModel
    {
        public string? Name { get; set; }
        public string? Description { get; set; }
        public Dictionary<string, string>? Tags { get; set; }
        public PythonModel? Python { get; set; }
        public string? Image { get; set; }
        public Dictionary<string, string>? Variables { get; set; }
    }

    internal sealed class PythonModel
    {
        public string? Interpreter { get; set; }
        public List<string>? Requirements { get; set; }
        public string? RequirementsFile { get; set; }
        public PipModel? PipOptions { get; set; }
        public bool SystemSitePackages { get; set; }
    }

    internal sealed class PipModel
    {
        public string? IndexUrl { get; set; }
        public List<string>? ExtraIndexUrls { get; set; }
        public List<string>? FindLinks { get; set; }
        public bool NoIndex { get; set; }
    }
}
