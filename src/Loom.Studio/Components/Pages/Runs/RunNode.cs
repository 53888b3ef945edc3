using Loom.Contracts;
using MudBlazor;

namespace Loom.Studio.Components.Pages.Runs;

/// <summary>A run in the child-run tree, with the runs below it.</summary>
public sealed class RunNode(RunDto run) : TreeItemData<string>(run.Id)
{
    public RunDto Run { get; } = run;
}
