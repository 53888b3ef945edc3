using Loom.Core.Tracking;

namespace Loom.Studio.Components.Pages.Experiments;

/// <summary>
/// What an experiment page shows: its runs, narrowed by a filter and ordered in the REST API's own languages
/// (<c>metrics.accuracy &gt; 0.9 and tags.stage = 'prod'</c>, <c>metrics.accuracy desc</c>). The page's address carries it.
/// </summary>
public sealed record RunSearch(string Experiment, string? Filter, string? OrderBy, bool IncludeChildren)
{
    /// <summary>The search as the API parses it; throws the parser's <see cref="Loom.Core.Common.LoomException"/> for a bad filter or order.</summary>
    public RunQuery Query(int pageSize, string? pageToken) =>
        RunQueries.Parse(Experiment, Blank(Filter), Blank(OrderBy), pageSize, pageToken, IncludeChildren ? null : "none");

    /// <summary>The sort keys asked for; empty means the API's default, newest first.</summary>
    public IReadOnlyList<SortKey> Order => RunFilterParser.ParseOrder(Blank(OrderBy));

    /// <summary>Throws the parser's message when the filter or the order is not valid.</summary>
    public void Validate() => Query(1, null);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
