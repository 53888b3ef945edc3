using System.Globalization;
using System.Text;

namespace Loom.Benchmarks;

/// <summary>The long metric the history and Studio benchmarks log: a noisy decaying curve, so a downsampled chart has real spikes to keep.</summary>
public static class DecayingCurve
{
    /// <summary>The metrics batch body logging steps <paramref name="first"/> .. first+count-1 of metric <paramref name="name"/>.</summary>
    public static byte[] Batch(string name, int first, int count)
    {
        var text = new StringBuilder(count * 48).Append("{\"points\":[");
        for (var i = 0; i < count; i++)
        {
            var step = first + i;
            var value = 1.0 / (1 + step * 1e-4) + PointPlan.ValueOf(step, 3) * 0.05;
            if (i > 0) text.Append(',');
            text.Append(CultureInfo.InvariantCulture, $"{{\"name\":\"{name}\",\"value\":{value:R},\"step\":{step}}}");
        }
        return BenchApi.Utf8(text.Append("]}").ToString());
    }
}
