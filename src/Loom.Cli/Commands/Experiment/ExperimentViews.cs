using Loom.Cli.Output;
using Loom.Contracts;

namespace Loom.Cli.Commands.Experiment;

/// <summary>How experiments look in tables.</summary>
internal static class ExperimentViews
{
    public static TableView Table(IEnumerable<ExperimentDto> experiments) =>
        new(["Name", "Runs", "Created", "Last activity"],
            experiments.Select(e => (IReadOnlyList<string>)[e.Name, Formats.Number(e.RunCount), Formats.Time(e.CreatedTime), Formats.Time(e.LastActivityTime)])
                .ToList());

    public static IReadOnlyList<KeyValuePair<string, string>> Details(ExperimentDto experiment) =>
    [
        new("Name", experiment.Name),
        new("Runs", Formats.Number(experiment.RunCount)),
        new("Created", Formats.Time(experiment.CreatedTime)),
        new("Last activity", Formats.Time(experiment.LastActivityTime)),
    ];
}
