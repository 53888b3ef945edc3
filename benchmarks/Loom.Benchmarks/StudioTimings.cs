using System.Globalization;
using Microsoft.Playwright;

namespace Loom.Benchmarks;

/// <summary>
/// Times taken inside the page: an init script watches the DOM from the first byte and notes <c>performance.now()</c> (ms
/// since navigation start) at the animation frame after the watched element appears; a click is timed the same way from
/// the click. The harness only reads the figure, so its own polling latency is not in it.
/// </summary>
public sealed class StudioTimings(IPage page, TimeSpan timeout)
{
    /// <summary>Installed before any page script runs: <c>window.loomWhen(selector, test)</c> resolves with the time the element painted.</summary>
    public const string Script = """
        window.loomWhen = (selector, test, from) => new Promise((resolve, reject) => {
            const done = () => requestAnimationFrame(() => resolve(performance.now() - (from ?? 0)));
            const matches = () => { const e = document.querySelector(selector); return e !== null && (!test || test(e)); };
            if (matches()) { done(); return; }
            const observer = new MutationObserver(() => { if (matches()) { observer.disconnect(); done(); } });
            observer.observe(document, { childList: true, subtree: true, attributes: true });
            setTimeout(() => { observer.disconnect(); reject(new Error('timed out waiting for ' + selector)); }, 30000);
        });
        // Watched from the first byte of every page; a page without them lets them time out quietly.
        window.loomFirstRow = window.loomWhen('tr.loom-run[data-run-id]');
        window.loomChart = window.loomWhen('.js-plotly-plot .scatterlayer .trace');
        window.loomNoPage = window.loomWhen('.loom-empty', e => e.textContent.includes('not a Studio page'));
        for (const watch of [window.loomFirstRow, window.loomChart, window.loomNoPage]) watch.catch(() => {});
        """;

    /// <summary>Navigates to <paramref name="path"/>; ms from navigation start to the first table row painted.</summary>
    public async Task<double> FirstRowAsync(string path)
    {
        await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        return await page.EvaluateAsync<double>("() => window.loomFirstRow", null);
    }

    /// <summary>Navigates to <paramref name="path"/>; ms from navigation start to a chart's trace painted.</summary>
    public async Task<double> ChartAsync(string path)
    {
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        var ms = response is { Ok: false } ? -1
            : await page.EvaluateAsync<double>("() => Promise.race([window.loomChart, window.loomNoPage.then(() => -1)])", null);
        return ms >= 0 ? ms : throw new NotSupportedException(
            $"not measured: no run page in this build (HTTP {response?.Status}); measured once the run page is merged");
    }

    /// <summary>Clicks the header that sorts by <paramref name="field"/>; ms from the click to <paramref name="bestRunId"/> painted in the first row.</summary>
    public async Task<double> SortAsync(string field, string bestRunId) =>
        await page.EvaluateAsync<double>("""
            ([field, best]) => {
                const from = performance.now();
                document.querySelector(`button[title='Sort by ${field}']`).click();
                return window.loomWhen('tr.loom-run[data-run-id]', e => e.dataset.runId === best, from);
            }
            """, new object[] { field, bestRunId });

    /// <summary>Scrolls the run table to its end; ms from the scroll to <paramref name="lastRunId"/> painted.</summary>
    public async Task<double> ScrollToEndAsync(string lastRunId) =>
        await page.EvaluateAsync<double>("""
            last => {
                const from = performance.now();
                const box = document.querySelector('.loom-runs-scroll');
                box.scrollTop = box.scrollHeight;
                return window.loomWhen(`tr.loom-run[data-run-id='${last}']`, null, from);
            }
            """, lastRunId);

    /// <summary>Checks that the page counts all the runs seeded (the table is the experiment's, not a partial one).</summary>
    public async Task ExpectCountAsync(int runs) =>
        await Assertions.Expect(page.GetByTestId("run-count")).ToContainTextAsync(runs.ToString("N0", CultureInfo.InvariantCulture),
            new() { Timeout = (float)timeout.TotalMilliseconds });
}
