using Microsoft.Extensions.Logging;

namespace Loom.Core.Serving;

/// <summary>Serving log messages, event ids 1100-1199. Endpoint keys and request bodies are never logged.</summary>
internal static partial class ServingLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Endpoint {Workspace}/{Endpoint} created (auth {AuthMode})")]
    public static partial void EndpointCreated(ILogger logger, string workspace, string endpoint, string authMode);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Endpoint {Workspace}/{Endpoint} deleted with {Deployments} deployments")]
    public static partial void EndpointDeleted(ILogger logger, string workspace, string endpoint, int deployments);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Endpoint {Workspace}/{Endpoint} traffic set to {Traffic}")]
    public static partial void TrafficSet(ILogger logger, string workspace, string endpoint, string traffic);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Endpoint {Workspace}/{Endpoint}: {KeyType} key regenerated")]
    public static partial void KeyRegenerated(ILogger logger, string workspace, string endpoint, string keyType);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Deployment {Workspace}/{Endpoint}/{Deployment} generation {Generation} is being proven")]
    public static partial void Proving(ILogger logger, string workspace, string endpoint, string deployment, int generation);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Deployment {Workspace}/{Endpoint}/{Deployment} generation {Generation} succeeded")]
    public static partial void Succeeded(ILogger logger, string workspace, string endpoint, string deployment, int generation);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "Deployment {Workspace}/{Endpoint}/{Deployment} generation {Generation} failed: {Error}")]
    public static partial void Failed(ILogger logger, string workspace, string endpoint, string deployment, int generation, string? error);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Information, Message = "Deployment {Workspace}/{Endpoint}/{Deployment} deleted")]
    public static partial void DeploymentDeleted(ILogger logger, string workspace, string endpoint, string deployment);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Error, Message = "Proving deployment {Workspace}/{Endpoint}/{Deployment} generation {Generation} threw")]
    public static partial void ProofThrew(ILogger logger, string workspace, string endpoint, string deployment, int generation, Exception exception);

    [LoggerMessage(EventId = 1115, Level = LogLevel.Information, Message = "Restarting {Count} deployments")]
    public static partial void Restarting(ILogger logger, int count);

    [LoggerMessage(EventId = 1116, Level = LogLevel.Warning, Message = "Restarting a deployment failed; it stays down until the next start or update")]
    public static partial void RestartFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1117, Level = LogLevel.Information, Message = "Deployment {Workspace}/{Endpoint}/{Deployment} is gone from the store; stopped")]
    public static partial void Reconciled(ILogger logger, string workspace, string endpoint, string deployment);

    [LoggerMessage(EventId = 1118, Level = LogLevel.Warning, Message = "Checking started deployments against the store failed; it runs again")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1119, Level = LogLevel.Warning, Message = "No deployment host is registered: deployments fail until one is")]
    public static partial void NoHost(ILogger logger);

    [LoggerMessage(EventId = 1130, Level = LogLevel.Warning, Message = "Writing {Count} endpoint request rows failed; they are lost")]
    public static partial void TelemetryWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1131, Level = LogLevel.Warning, Message = "{Count} endpoint request rows were dropped: the telemetry queue was full")]
    public static partial void TelemetryDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 1132, Level = LogLevel.Information, Message = "Pruned {Count} endpoint request rows older than {Days} days")]
    public static partial void TelemetryPruned(ILogger logger, int count, int days);

    [LoggerMessage(EventId = 1140, Level = LogLevel.Error, Message = "Scoring on {Workspace}/{Endpoint} threw")]
    public static partial void ScoringThrew(ILogger logger, string workspace, string endpoint, Exception exception);
}
