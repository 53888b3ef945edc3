using Loom.Contracts;
using Microsoft.Extensions.Logging;

namespace Loom.Core.Identity;

/// <summary>Identity log messages, event ids 100-199. Token secrets are never logged.</summary>
internal static partial class IdentityLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Token {TokenId} '{Name}' created for workspace {Workspace} as {Role}")]
    public static partial void TokenCreated(ILogger logger, string tokenId, string name, string workspace, Role role);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Token {TokenId} revoked")]
    public static partial void TokenRevoked(ILogger logger, string tokenId);
}
