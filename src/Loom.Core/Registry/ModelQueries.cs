using System.Buffers.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;

namespace Loom.Core.Registry;

/// <summary>Builds a <see cref="ModelQuery"/> from the query string and encodes its opaque page tokens.</summary>
public static class ModelQueries
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int MaxTagFilters = 20;

    /// <summary>Reads <c>name</c>, the repeatable <c>tag=key</c> or <c>tag=key=value</c>, <c>allVersions</c>, <c>pageSize</c> and <c>pageToken</c>.</summary>
    public static ModelQuery Parse(string? name, IReadOnlyList<string>? tags, bool allVersions, int? pageSize, string? pageToken)
    {
        if (name is not null) Validate.Name(name, "Model");
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
            throw new LoomException(ErrorCodes.InvalidRequest, $"pageSize must be between 1 and {MaxPageSize}.");
        tags ??= [];
        if (tags.Count > MaxTagFilters)
            throw new LoomException(ErrorCodes.InvalidFilter, $"Filter on at most {MaxTagFilters} tags, not {tags.Count}.");
        var filters = tags.Select(Tag).ToList();
        var fingerprint = Hashes.Sha256Hex($"{name}\n{allVersions}\n{string.Join('\n', tags)}")[..16];
        var after = pageToken is null ? ((string, int)?)null : Decode(pageToken, fingerprint);
        return new ModelQuery(name, filters, allVersions, size, after, fingerprint);
    }

    public static string Encode(string name, int version, string fingerprint) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new TokenBody(fingerprint, name, version)));

    private static ModelTagFilter Tag(string? text)
    {
        var split = text?.IndexOf('=') ?? -1;
        var key = split < 0 ? text : text![..split];
        var value = split < 0 ? null : text![(split + 1)..];
        if (string.IsNullOrEmpty(key) || key.Length > Validate.MaxKeyLength || key.Any(char.IsControl) || value is { Length: > Validate.MaxValueLength })
            throw new LoomException(ErrorCodes.InvalidFilter,
                $"Tag filter '{text}' is invalid: use tag=key or tag=key=value, a key of 1-{Validate.MaxKeyLength} characters without control characters.");
        return new ModelTagFilter(key, value);
    }

    private static (string, int) Decode(string token, string fingerprint)
    {
        try
        {
            var body = JsonSerializer.Deserialize<TokenBody>(Base64Url.DecodeFromChars(token));
            if (body is { N: not null } && body.F == fingerprint && body.V > 0) return (body.N, body.V);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException) { }
        throw new LoomException(ErrorCodes.InvalidPageToken, "The page token is malformed or belongs to a different search.");
    }

    private sealed record TokenBody(string F, string? N, int V);
}
