using Microsoft.Extensions.Logging;

namespace Loom.Studio.Components.Pages.Runs;

public sealed partial class RunLogTail
{
    [LoggerMessage(EventId = 1324, Level = LogLevel.Warning, Message = "Studio: following log {File} of run {RunId} failed; it is read again at the next poll")]
    private static partial void LogFollowFailed(ILogger logger, Exception error, string runId, string file);
}
