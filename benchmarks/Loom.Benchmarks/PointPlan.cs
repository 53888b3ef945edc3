using System.Buffers;
using System.Text.Json;

namespace Loom.Benchmarks;

/// <summary>
/// The points a throughput test logs, the same for Loom and for the raw insert: batches cut across
/// <see cref="Metrics"/> metrics of <see cref="RunsPerSender"/> runs per sender, each sender owning its runs.
/// </summary>
public sealed class PointPlan
{
    public const int Metrics = 10;
    public const int RunsPerSender = 2;
    public const long BaseTimeMs = 1_780_000_000_000;

    public PointPlan(int totalPoints, int batchSize, int senders)
    {
        if (batchSize % Metrics != 0 || totalPoints % (batchSize * senders) != 0)
            throw new ArgumentException($"{totalPoints:N0} points do not cut into batches of {batchSize:N0} for {senders} senders.");
        BatchSize = batchSize;
        Senders = senders;
        Batches = totalPoints / batchSize;
    }

    public int BatchSize { get; }
    public int Senders { get; }
    public int Batches { get; }
    public int TotalPoints => Batches * BatchSize;
    public int Runs => Senders * RunsPerSender;

    public static string MetricName(int metric) => "m" + metric;

    public int SenderOf(int batch) => batch % Senders;

    public int RunOf(int batch) => SenderOf(batch) * RunsPerSender + batch / Senders % RunsPerSender;

    /// <summary>Visits the points of batch <paramref name="batch"/> in order: (run, metric, step, value).</summary>
    public void ForEachPoint(int batch, Action<int, int, long, double> visit)
    {
        var run = RunOf(batch);
        var firstStep = (long)(batch / Senders / RunsPerSender) * (BatchSize / Metrics);
        for (var j = 0; j < BatchSize; j++)
            visit(run, j % Metrics, firstStep + j / Metrics, ValueOf(batch, j));
    }

    /// <summary>A deterministic value with a full double's worth of digits, as training metrics have.</summary>
    public static double ValueOf(int batch, int index)
    {
        // splitmix64 of the pair: uniform in [0, 1), no pattern a compressor or an index could exploit.
        var x = unchecked((ulong)batch * 0x9E3779B97F4A7C15UL + (ulong)index * 0xC2B2AE3D27D4EB4FUL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return ((x ^ (x >> 31)) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>The request body of a batch: <c>{"points":[{"name","value","step"}...]}</c>.</summary>
    public byte[] Body(int batch)
    {
        var buffer = new ArrayBufferWriter<byte>(BatchSize * 48);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("points");
            ForEachPoint(batch, (_, metric, step, value) =>
            {
                writer.WriteStartObject();
                writer.WriteString("name", MetricName(metric));
                writer.WriteNumber("value", value);
                writer.WriteNumber("step", step);
                writer.WriteEndObject();
            });
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
