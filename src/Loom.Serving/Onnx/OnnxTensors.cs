using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Loom.Serving.Onnx;

/// <summary>JSON tensors in and out: nested lists (rectangular) to a flat array and a shape, and back.</summary>
internal static class OnnxTensors
{
    /// <summary>
    /// A tensor of the input's element type from a JSON value of nested lists; throws <see cref="FormatException"/> on a
    /// bad value. The value is checked to be rectangular and counted before anything is allocated, and it may hold at
    /// most <paramref name="maxElements"/> elements (the caller's budget for the whole request).
    /// </summary>
    public static OrtValue FromJson(string name, NodeMetadata metadata, JsonElement value, long maxElements)
    {
        var shape = new List<long>();
        var probe = value;
        while (probe.ValueKind == JsonValueKind.Array)
        {
            shape.Add(probe.GetArrayLength());
            if (probe.GetArrayLength() == 0) break;
            probe = probe[0];
        }
        CheckShape(name, metadata, shape);
        var dims = shape.ToArray();
        // Every list checked against the shape: the count is then the number of values the body really holds.
        CheckRectangular(name, value, dims, 0);
        long count;
        try
        {
            count = 1L;
            foreach (var d in dims) count = checked(count * d);
        }
        catch (OverflowException)
        {
            throw new FormatException($"Input '{name}' of shape ({string.Join(", ", dims)}) has too many elements.");
        }
        if (count > maxElements || count > Array.MaxLength)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"Input '{name}' has {count} elements, more than the {maxElements} a request may hold (MaxTensorElements)."));
        }
        return metadata.ElementDataType switch
        {
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(Flatten(name, value, dims, count, e => (float)e.GetDouble()), dims),
            TensorElementType.Double => OrtValue.CreateTensorValueFromMemory(Flatten(name, value, dims, count, e => e.GetDouble()), dims),
            TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(Flatten(name, value, dims, count, e => e.GetInt64()), dims),
            TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(Flatten(name, value, dims, count, e => e.GetInt32()), dims),
            TensorElementType.Bool => OrtValue.CreateTensorValueFromMemory(Flatten(name, value, dims, count, e => e.GetBoolean()), dims),
            // The model's limit, not the caller's mistake.
            var other => throw new NotSupportedException($"Input '{name}' has element type {other}, which JSON tensors do not support."),
        };
    }

    /// <summary>Writes an output tensor as nested lists.</summary>
    public static void Write(Utf8JsonWriter writer, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        switch (info.ElementDataType)
        {
            // JSON has no NaN or infinity: such values are written as null.
            case TensorElementType.Float:
                WriteNested(writer, value.GetTensorDataAsSpan<float>(), shape, static (w, x) =>
                {
                    if (float.IsFinite(x)) w.WriteNumberValue(x);
                    else w.WriteNullValue();
                });
                break;
            case TensorElementType.Double:
                WriteNested(writer, value.GetTensorDataAsSpan<double>(), shape, static (w, x) =>
                {
                    if (double.IsFinite(x)) w.WriteNumberValue(x);
                    else w.WriteNullValue();
                });
                break;
            case TensorElementType.Int64:
                WriteNested(writer, value.GetTensorDataAsSpan<long>(), shape, static (w, x) => w.WriteNumberValue(x));
                break;
            case TensorElementType.Int32:
                WriteNested(writer, value.GetTensorDataAsSpan<int>(), shape, static (w, x) => w.WriteNumberValue(x));
                break;
            case TensorElementType.Bool:
                WriteNested(writer, value.GetTensorDataAsSpan<bool>(), shape, static (w, x) => w.WriteBooleanValue(x));
                break;
            case TensorElementType.String:
                var strings = value.GetStringTensorAsArray();
                WriteNested(writer, strings.AsSpan(), shape, static (w, x) => w.WriteStringValue(x));
                break;
            default:
                throw new NotSupportedException($"Output element type {info.ElementDataType} cannot be written as JSON.");
        }
    }

    /// <summary>A zero tensor of the input's shape (dynamic dimensions as 1) as JSON: the proof's sample when none is given.</summary>
    public static object Zeros(NodeMetadata metadata)
    {
        object zero = metadata.ElementDataType == TensorElementType.Bool ? false : 0;
        object Build(int axis) => axis == metadata.Dimensions.Length
            ? zero
            : Enumerable.Range(0, Math.Max(1, metadata.Dimensions[axis])).Select(_ => Build(axis + 1)).ToArray();
        return Build(0);
    }

    private static void CheckShape(string name, NodeMetadata metadata, List<long> shape)
    {
        var expected = metadata.Dimensions;
        if (expected.Length != shape.Count)
            throw new FormatException($"Input '{name}' needs {expected.Length} dimensions ({Describe(expected)}), not {shape.Count}.");
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] > 0 && expected[i] != shape[i])
                throw new FormatException($"Input '{name}' needs shape ({Describe(expected)}), not ({string.Join(", ", shape)}).");
        }
    }

    /// <summary>Whether every list at depth <paramref name="axis"/> and below has the shape's length (values are checked when read).</summary>
    private static void CheckRectangular(string name, JsonElement element, long[] shape, int axis)
    {
        if (axis == shape.Length) return;
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[axis])
            throw new FormatException($"Input '{name}' is not rectangular: every list at depth {axis + 1} needs {shape[axis]} items.");
        foreach (var item in element.EnumerateArray()) CheckRectangular(name, item, shape, axis + 1);
    }

    private static string Describe(int[] dimensions) =>
        string.Join(", ", dimensions.Select(d => d > 0 ? d.ToString(CultureInfo.InvariantCulture) : "n"));

    private static T[] Flatten<T>(string name, JsonElement value, long[] shape, long count, Func<JsonElement, T> read)
    {
        var data = new T[count];
        var next = 0;
        void Walk(JsonElement element, int axis)
        {
            if (axis == shape.Length)
            {
                if (element.ValueKind is JsonValueKind.Array or JsonValueKind.Object or JsonValueKind.String or JsonValueKind.Null)
                    throw new FormatException($"Input '{name}' holds a {element.ValueKind.ToString().ToLowerInvariant()} where a number belongs.");
                data[next++] = read(element);
                return;
            }
            if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[axis])
                throw new FormatException($"Input '{name}' is not rectangular: every list at depth {axis + 1} needs {shape[axis]} items.");
            foreach (var item in element.EnumerateArray()) Walk(item, axis + 1);
        }
        try
        {
            Walk(value, 0);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"Input '{name}' holds a value of the wrong type: {e.Message}");
        }
        return data;
    }

    private static void WriteNested<T>(Utf8JsonWriter writer, ReadOnlySpan<T> data, long[] shape, Action<Utf8JsonWriter, T> write)
    {
        if (shape.Length == 0)
        {
            write(writer, data[0]);
            return;
        }
        var index = 0;
        WriteAxis(writer, data, shape, 0, ref index, write);
    }

    private static void WriteAxis<T>(Utf8JsonWriter writer, ReadOnlySpan<T> data, long[] shape, int axis, ref int index, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartArray();
        for (var i = 0; i < shape[axis]; i++)
        {
            if (axis == shape.Length - 1) write(writer, data[index++]);
            else WriteAxis(writer, data, shape, axis + 1, ref index, write);
        }
        writer.WriteEndArray();
    }
}
