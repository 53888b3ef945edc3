using Loom.Contracts;

namespace Loom.Studio.Components.Pages.Experiments;

/// <summary>One row of the experiment table; <see cref="Run"/> is replaced in place when a live run is read again, so the table keeps its scroll.</summary>
public sealed class RunRow(RunDto run)
{
    public RunDto Run { get; set; } = run;
}
