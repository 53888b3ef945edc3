using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Loom.Client;
using Loom.Contracts;
using Loom.Core.Serving;
using Microsoft.AspNetCore.Http;

namespace Loom.Serving.Standalone;

/// <summary>
/// Who may call a standalone host, as the embedded scoring routes decide it: in key mode a caller sends one of the endpoint's keys
/// (checked as <see cref="ScoringEndpoints.KeyRefusal"/> checks them); in token mode a Loom token with a role in the workspace, which
/// the server is asked about (<c>GET /workspaces/{ws}</c> with that token) and the answer remembered for <see cref="TokenMemory"/>.
/// </summary>
internal sealed class CallerCheck(Uri server, string workspace, HttpClient http)
{
    /// <summary>How long the server's answer about a token is trusted; a revoked token is refused at most this late.</summary>
    public static readonly TimeSpan TokenMemory = TimeSpan.FromSeconds(30);

    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, (string? Code, string? Refusal, long Until)> answers = new(StringComparer.Ordinal);
    private volatile ScoringTarget? target;

    /// <summary>The endpoint's auth mode and keys (null in token mode), replaced when they change on the server.</summary>
    public void Update(string endpoint, string authMode, EndpointKeysDto? keys, string deployment)
    {
        var empty = Array.Empty<byte>();
        target = new ScoringTarget(RemoteDeployment.WorkspaceId, workspace, 0, endpoint, authMode,
            keys is null ? empty : SHA256.HashData(Encoding.UTF8.GetBytes(keys.PrimaryKey)),
            keys is null ? empty : SHA256.HashData(Encoding.UTF8.GetBytes(keys.SecondaryKey)),
            new Dictionary<string, int>(StringComparer.Ordinal) { [deployment] = 100 }, [deployment]);
    }

    /// <summary>Why the caller may not call (the problem's code and detail), or nulls when it may.</summary>
    public async ValueTask<(string? Code, string? Refusal)> RefusalAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var current = target ?? throw new InvalidOperationException("The endpoint's auth is not known yet.");
        if (current.AuthMode != EndpointAuthModes.Token)
            return ScoringEndpoints.KeyRefusal(request, current) is { } refusal ? (ErrorCodes.Unauthorized, refusal) : (null, null);
        string? header = request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header["Bearer ".Length..].Trim() is not { Length: > 0 } token)
            return (ErrorCodes.Unauthorized, TokenWanted);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = Environment.TickCount64;
        if (answers.TryGetValue(id, out var known) && known.Until > now) return (known.Code, known.Refusal);
        var (code, detail) = await AskServerAsync(token, cancellationToken);
        // A server that could not answer is asked again by the next call.
        if (code != ErrorCodes.Unavailable)
        {
            if (answers.Count >= MaxRemembered) answers.Clear();
            answers[id] = (code, detail, now + (long)TokenMemory.TotalMilliseconds);
        }
        return (code, detail);
    }

    private const string TokenWanted = "This endpoint takes a Loom token: send 'Authorization: Bearer <token>' with a token that has a role in the workspace.";

    private async Task<(string? Code, string? Refusal)> AskServerAsync(string token, CancellationToken cancellationToken)
    {
        using var client = new LoomClient(server, token, http, new LoomClientOptions { MaxAttempts = 2 });
        try
        {
            await client.Workspaces.GetAsync(workspace, cancellationToken);
            return (null, null);
        }
        catch (LoomUnauthorizedException)
        {
            return (ErrorCodes.Unauthorized, TokenWanted);
        }
        catch (LoomApiException e) when (e is LoomForbiddenException or LoomNotFoundException)
        {
            return (ErrorCodes.Unauthorized, $"Your token has no role in workspace '{workspace}'.");
        }
        catch (Exception e) when (e is HttpRequestException or LoomApiException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (ErrorCodes.Unavailable, $"The Loom server at {server} could not check the token: {e.Message}");
        }
    }
}
