using System.Buffers;
using System.Buffers.Binary;
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

    /// <summary>
    /// A metric batch is fingerprinted field by field into one buffer hashed once: re-serializing
    /// 10,000 points, or hashing them a field at a time, costs more than the write.
    /// </summary>
    public static IdempotentRequest? From(HttpRequest request, MetricBatch batch)
    {
        if (Key(request) is not { } key) return null;
        var buffer = new ArrayBufferWriter<byte>(64 + (batch.Points?.Count ?? 0) * 48);
        Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n", buffer);
        foreach (var point in batch.Points ?? [])
        {
            Encoding.UTF8.GetBytes(point.Name ?? "", buffer);
            Append(buffer, BitConverter.DoubleToInt64Bits(point.Value));
            Append(buffer, point.Step ?? -1);
            Append(buffer, point.Timestamp?.ToUnixTimeMilliseconds() ?? -1);
        }
        foreach (var row in batch.Rows ?? [])
        {
            Encoding.UTF8.GetBytes($"{row.Name}\n{row.Kind}\n{row.Value.GetRawText()}", buffer);
            Append(buffer, row.Step ?? -1);
            Append(buffer, row.Timestamp?.ToUnixTimeMilliseconds() ?? -1);
        }
        return new IdempotentRequest(key, Hashes.Sha256Hex(buffer.WrittenSpan));
    }

    private static void Append(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static string? Key(HttpRequest request) => Validate.IdempotencyKey(request.Headers[Header].FirstOrDefault());
}
