using Microsoft.Extensions.Logging;

namespace Loom.Serving.Standalone;

/// <summary>The standalone host's log messages (event ids 1210–1219, within the deployment host's range).</summary>
internal static partial class StandaloneLog
{
    [LoggerMessage(EventId = 1210, Level = LogLevel.Error, Message = "Scoring {Deployment} threw")]
    public static partial void ScoringThrew(ILogger logger, string deployment, Exception exception);
}
