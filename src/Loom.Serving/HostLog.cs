using Microsoft.Extensions.Logging;

namespace Loom.Serving;

/// <summary>The deployment host's log messages (event ids 1200–1299).</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Deployment {Deployment} generation {Generation} serves ({Replicas} replicas of {Workers} workers)")]
    public static partial void Serving(ILogger logger, string deployment, int generation, int replicas, int workers);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Deployment {Deployment} generation {Generation} failed its proof: {Error}")]
    public static partial void ProofFailed(ILogger logger, string deployment, int generation, string error);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Deployment {Deployment} generation {Generation}: worker {Worker} (pid {ProcessId}) lost: {Reason}")]
    public static partial void WorkerLost(ILogger logger, string deployment, int generation, string worker, int processId, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Deployment {Deployment} generation {Generation} scaled from {From} to {To} replicas")]
    public static partial void Scaled(ILogger logger, string deployment, int generation, int from, int to);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Deployment {Deployment} generation {Generation} stopped")]
    public static partial void Stopped(ILogger logger, string deployment, int generation);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Could not remove the serving folder {Folder}")]
    public static partial void FolderNotRemoved(ILogger logger, string folder, Exception exception);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Error, Message = "Deployment {Deployment} generation {Generation}: worker {Worker} failed unexpectedly; it is restarted")]
    public static partial void WorkerFailed(ILogger logger, string deployment, int generation, string worker, Exception exception);
}
