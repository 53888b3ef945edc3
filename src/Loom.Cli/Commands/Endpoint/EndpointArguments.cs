using System.CommandLine;
using System.Globalization;

namespace Loom.Cli.Commands.Endpoints;

/// <summary>What several endpoint commands take: the endpoint's name and <c>--traffic name=weight,...</c>.</summary>
internal static class EndpointArguments
{
    public static Argument<string> Name() => new("name") { Description = "The endpoint's name", HelpName = "name" };

    /// <summary>
    /// <c>blue=90,green=10</c> (also repeatable: <c>--traffic blue=90 --traffic green=10</c>); <c>none</c> sends no traffic anywhere.
    /// </summary>
    public static Option<string[]> Traffic()
    {
        var option = new Option<string[]>("--traffic")
        {
            Description = "The traffic split, deployment=weight,... (weights summing to 100), or 'none'",
            HelpName = "name=weight,...",
        };
        option.Validators.Add(result =>
        {
            try { Parse(result.GetValueOrDefault<string[]>()); }
            catch (UsageException e) { result.AddError(e.Message); }
        });
        return option;
    }

    /// <summary>The split given, or null when <c>--traffic</c> was not.</summary>
    public static Dictionary<string, int>? Parse(string[]? values)
    {
        if (values is not { Length: > 0 }) return null;
        var traffic = new Dictionary<string, int>(StringComparer.Ordinal);
        var parts = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (parts is ["none"]) return traffic;
        foreach (var part in parts)
        {
            var split = part.IndexOf('=');
            if (split < 1 || !int.TryParse(part[(split + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var weight))
                throw new UsageException($"--traffic '{part}' is not deployment=weight (e.g. blue=90,green=10).");
            traffic[part[..split]] = weight;
        }
        return traffic;
    }
}
