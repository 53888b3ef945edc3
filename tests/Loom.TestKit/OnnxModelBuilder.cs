using System.Text;

namespace Loom.TestKit;

/// <summary>
/// Writes tiny ONNX models by hand for the host tests and the serving benchmark (ONNX is protobuf; no onnx package needed): <c>Y = MatMul(X, W) + B</c> with
/// <c>X: float[N, 3]</c>, <c>W: float[3, 2]</c> = [[1, 0], [0, 1], [1, 1]], <c>B: float[2]</c> = [0.5, -0.5].
/// </summary>
public static class OnnxModelBuilder
{
    public static byte[] LinearModel()
    {
        var graph = new Proto()
            .Message(1, new Proto().String(1, "X").String(1, "W").String(2, "XW").String(3, "matmul").String(4, "MatMul"))
            .Message(1, new Proto().String(1, "XW").String(1, "B").String(2, "Y").String(3, "add").String(4, "Add"))
            .String(2, "linear")
            .Message(5, FloatTensor("W", [3, 2], [1, 0, 0, 1, 1, 1]))
            .Message(5, FloatTensor("B", [2], [0.5f, -0.5f]))
            .Message(11, ValueInfo("X", "N", 3))
            .Message(12, ValueInfo("Y", "N", 2));
        return new Proto()
            .Varint(1, 8)
            .String(2, "loom-tests")
            .Message(7, graph)
            .Message(8, new Proto().String(1, "").Varint(2, 13))
            .ToArray();
    }

    /// <summary><c>Y = Log(X)</c> with <c>X, Y: float[N, M]</c> (both dimensions dynamic): zeros give -Infinity, negatives NaN.</summary>
    public static byte[] LogModel()
    {
        var graph = new Proto()
            .Message(1, new Proto().String(1, "X").String(2, "Y").String(3, "log").String(4, "Log"))
            .String(2, "log")
            .Message(11, DynamicValueInfo("X"))
            .Message(12, DynamicValueInfo("Y"));
        return new Proto()
            .Varint(1, 8)
            .String(2, "loom-tests")
            .Message(7, graph)
            .Message(8, new Proto().String(1, "").Varint(2, 13))
            .ToArray();
    }

    private static Proto DynamicValueInfo(string name)
    {
        var shape = new Proto()
            .Message(1, new Proto().String(2, "N"))
            .Message(1, new Proto().String(2, "M"));
        var tensorType = new Proto().Varint(1, FloatType).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    private const int FloatType = 1;

    private static Proto FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new Proto();
        foreach (var d in dims) tensor.Varint(1, d);
        tensor.Varint(2, FloatType);
        var raw = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(raw.AsSpan(i * 4), values[i]);
        return tensor.String(8, name).Bytes(9, raw);
    }

    private static Proto ValueInfo(string name, string batch, long width)
    {
        var shape = new Proto()
            .Message(1, new Proto().String(2, batch))
            .Message(1, new Proto().Varint(1, width));
        var tensorType = new Proto().Varint(1, FloatType).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    /// <summary>A protobuf message being written: varints and length-delimited fields.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream stream = new();

        public Proto Varint(int field, long value)
        {
            Key(field, 0);
            Raw((ulong)value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public Proto Bytes(int field, byte[] value)
        {
            Key(field, 2);
            Raw((ulong)value.Length);
            stream.Write(value);
            return this;
        }

        public byte[] ToArray() => stream.ToArray();

        private void Key(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            stream.WriteByte((byte)value);
        }
    }
}
