namespace Loom.Cli.Output;

/// <summary>What <c>--output</c> asks for: tables for people, JSON for scripts.</summary>
public enum OutputFormat
{
    Table,
    Json,
}
