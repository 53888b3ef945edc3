using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loom.Contracts;
using Loom.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Loom.Core.Tracking;

/// <summary>Reads the Idempotency-Key header and fingerprints the request it came with.</summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    public static IdempotentRequest? From<T>(HttpRequest request, T body) =>
        Key(request) is { } key
            ? new IdempotentRequest(key, Hashes.Sha256Hex($"{request.Method} {request.Path}\n{JsonSerializer.Serialize(body, LoomJson.Options)}"))
            : null;

    /// <summary>A metric batch is fingerprinted field by field: re-serializing 10,000 points costs more than the write.</summary>
    public static IdempotentRequest? From(HttpRequest request, MetricBatch batch)
    {
        if (Key(request) is not { } key) return null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"));
        foreach (var point in batch.Points ?? [])
        {
            hash.AppendData(Encoding.UTF8.GetBytes(point.Name ?? ""));
            Append(hash, BitConverter.DoubleToInt64Bits(point.Value));
            Append(hash, point.Step ?? -1);
            Append(hash, point.Timestamp?.ToUnixTimeMilliseconds() ?? -1);
        }
        foreach (var row in batch.Rows ?? [])
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{row.Name}\n{row.Kind}\n{row.Value.GetRawText()}"));
            Append(hash, row.Step ?? -1);
            Append(hash, row.Timestamp?.ToUnixTimeMilliseconds() ?? -1);
        }
        return new IdempotentRequest(key, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static void Append(IncrementalHash hash, long value)
    {
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(number, value);
        hash.AppendData(number);
    }

    private static string? Key(HttpRequest request) => Validate.IdempotencyKey(request.Headers[Header].FirstOrDefault());
}
