using System.Globalization;

namespace Loom.Benchmarks;

/// <summary>
/// A target for a figure: at least or at most a value. <see cref="Ratio"/> is oriented so that 1.0 or
/// more always means the aim is met (measured ÷ aim for "at least", aim ÷ measured for "below").
/// </summary>
public sealed record Aim(double Value, bool AtLeast, string Unit)
{
    public static Aim AtLeastOf(double value, string unit) => new(value, true, unit);
    public static Aim Below(double value, string unit) => new(value, false, unit);

    public double Ratio(double measured) => AtLeast ? measured / Value : Value / Math.Max(measured, 1e-9);

    public override string ToString() => (AtLeast ? "≥ " : "< ") + Format.Number(Value) + " " + Unit;
}

/// <summary>Number formatting shared by the table: thousands separators, few significant digits.</summary>
public static class Format
{
    public static string Number(double value) => value switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("F0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("F2", CultureInfo.InvariantCulture),
    };

    public static string Bytes(long bytes) => bytes >= 1 << 20
        ? (bytes / (double)(1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB";
}
