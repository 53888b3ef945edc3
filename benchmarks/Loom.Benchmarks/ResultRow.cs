namespace Loom.Benchmarks;

/// <summary>One line of the printed table: a measured figure (or a failure), its aim if any, and notes.</summary>
public sealed record ResultRow(string Provider, string Name, double? Value, string Unit, Aim? Aim, string Note)
{
    public string Figure => Value is { } v ? $"{Format.Number(v)} {Unit}" : "failed";

    public string RatioText => Value is { } v && Aim is { } aim
        ? $"{aim.Ratio(v):F2}× {(aim.Ratio(v) >= 1 ? "met" : "MISSED")}"
        : "";
}
