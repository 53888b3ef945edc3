using Loom.Core.Tracking;

namespace Loom.Studio.Components.Pages.Experiments;

public enum RunColumnKind { Status, Run, Started, Duration, Compute, Tags, Param, Metric }

/// <summary>A column of the experiment table: a fixed one, or a param or metric named by <see cref="Key"/>.</summary>
public sealed record RunColumn(RunColumnKind Kind, string? Key = null)
{
    /// <summary>The run property that holds the compute target a submitted run ran on.</summary>
    public const string ComputeProperty = "loom.compute";

    public static readonly RunColumn Status = new(RunColumnKind.Status);
    public static readonly RunColumn Run = new(RunColumnKind.Run);
    public static readonly RunColumn Started = new(RunColumnKind.Started);
    public static readonly RunColumn Duration = new(RunColumnKind.Duration);
    public static readonly RunColumn Compute = new(RunColumnKind.Compute);
    public static readonly RunColumn Tags = new(RunColumnKind.Tags);

    public static RunColumn Param(string key) => new(RunColumnKind.Param, key);
    public static RunColumn Metric(string name) => new(RunColumnKind.Metric, name);

    public string Title => Kind switch
    {
        RunColumnKind.Param or RunColumnKind.Metric => Key!,
        RunColumnKind.Started => "Started",
        _ => Kind.ToString(),
    };

    /// <summary>The run field the column sorts by, or null when it cannot be sorted (the API has no order for them).</summary>
    public FieldRef? Field => Kind switch
    {
        RunColumnKind.Status => new FieldRef(FieldKind.Attribute, "status"),
        RunColumnKind.Started => new FieldRef(FieldKind.Attribute, "startTime"),
        RunColumnKind.Compute => new FieldRef(FieldKind.Property, ComputeProperty),
        RunColumnKind.Param => new FieldRef(FieldKind.Param, Key!),
        RunColumnKind.Metric => new FieldRef(FieldKind.Metric, Key!),
        _ => null,
    };

    /// <summary>Metrics and times sort from the largest first on a first click (the best accuracy, the latest run); text from A.</summary>
    public bool DescendingFirst => Kind is RunColumnKind.Metric or RunColumnKind.Started;

    /// <summary>Pixels: fixed widths keep the virtualized rows aligned with the header whatever they hold.</summary>
    public int Width => Kind switch
    {
        RunColumnKind.Status => 124,
        RunColumnKind.Run => 184,
        RunColumnKind.Started => 164,
        RunColumnKind.Duration => 80,
        RunColumnKind.Compute => 104,
        RunColumnKind.Tags => 132,
        _ => 96,
    };

    /// <summary>Status and the run link stay in view while the params and metrics scroll sideways.</summary>
    public bool Pinned => Kind is RunColumnKind.Status or RunColumnKind.Run;

    /// <summary>The orderBy text for this column, in the API's language (<c>metrics.accuracy desc</c>).</summary>
    public string OrderBy(bool descending) => $"{FieldText(Field ?? throw new InvalidOperationException($"The {Title} column cannot be sorted."))} {(descending ? "desc" : "asc")}";

    /// <summary>A field as the filter language writes it, the key in backquotes when it holds characters a bare key cannot.</summary>
    public static string FieldText(FieldRef field)
    {
        if (field.Kind == FieldKind.Attribute) return field.Name;
        var bare = field.Name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ':');
        var key = bare ? field.Name : "`" + field.Name.Replace("`", "``", StringComparison.Ordinal) + "`";
        return field.Kind switch
        {
            FieldKind.Metric => "metrics.",
            FieldKind.Param => "params.",
            FieldKind.Tag => "tags.",
            _ => "properties.",
        } + key;
    }
}
