using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Tracking;

/// <summary>Builds a <see cref="RunQuery"/> from the query string and encodes its opaque page tokens.</summary>
public static class RunQueries
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    private static readonly SortKey DefaultOrder = new(new FieldRef(FieldKind.Attribute, "createdTime"), Descending: true);

    public static RunQuery Parse(string? experiment, string? filter, string? orderBy, int? pageSize, string? pageToken, string? parentRunId)
    {
        if (experiment is not null) Validate.Name(experiment, "Experiment");
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
            throw new LoomException(ErrorCodes.InvalidRequest, $"pageSize must be between 1 and {MaxPageSize}.");
        var filters = RunFilterParser.ParseFilter(filter);
        var order = RunFilterParser.ParseOrder(orderBy);
        if (order.Count == 0) order = [DefaultOrder];
        var topLevel = string.Equals(parentRunId, "none", StringComparison.OrdinalIgnoreCase);
        var parent = topLevel ? null : parentRunId;
        var fingerprint = Hashes.Sha256Hex($"{experiment}\n{parent}\n{topLevel}\n{filter}\n{orderBy}")[..16];
        var after = pageToken is null ? null : Decode(pageToken, fingerprint, order);
        return new RunQuery(experiment, parent, topLevel, filters, order, size, after, fingerprint);
    }

    public static string Encode(PageCursor cursor, string fingerprint)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new TokenBody(fingerprint, cursor.Seq, cursor.Values.ToArray()));
        return Base64Url.EncodeToString(json);
    }

    private static PageCursor Decode(string token, string fingerprint, IReadOnlyList<SortKey> order)
    {
        try
        {
            var body = JsonSerializer.Deserialize<TokenBody>(Base64Url.DecodeFromChars(token));
            if (body is null || body.F != fingerprint || body.V is null || body.V.Length != order.Count)
                throw InvalidToken();
            var values = new object?[order.Count];
            for (var i = 0; i < order.Count; i++)
            {
                var element = (JsonElement?)body.V[i];
                values[i] = element switch
                {
                    null or { ValueKind: JsonValueKind.Null } => null,
                    { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
                    { ValueKind: JsonValueKind.String } e => e.GetString(),
                    _ => throw InvalidToken(),
                };
            }
            return new PageCursor(values, body.S);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            throw InvalidToken();
        }
    }

    private static LoomException InvalidToken() =>
        new(ErrorCodes.InvalidPageToken, "The page token is malformed or belongs to a different filter or order.");

    private sealed record TokenBody(string F, long S, object?[] V);
}
