using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loom.Core.Serving;
using Microsoft.ML.OnnxRuntime;

namespace Loom.Serving.Onnx;

/// <summary>
/// A no-code generation: an ONNX model served in-process by ONNX Runtime, scored on the caller's thread (a session
/// runs concurrently). Requests are <c>{"inputs": {name: nested lists}}</c>, or <c>{"data": nested lists}</c> for a
/// model with one input; responses are <c>{outputName: nested lists}</c>.
/// </summary>
internal sealed class OnnxGeneration : ServingGeneration
{
    private readonly InferenceSession session;
    private readonly DeploymentPlan plan;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly long maxElements;

    private OnnxGeneration(DeploymentPlan plan, string folder, InferenceSession session, long maxElements) : base(plan.Generation, folder)
    {
        this.plan = plan;
        this.session = session;
        this.maxElements = maxElements;
        inputNames = [.. session.InputMetadata.Keys];
        outputNames = [.. session.OutputMetadata.Keys];
    }

    /// <summary>Loads the model; throws <see cref="OnnxRuntimeException"/> when ONNX Runtime cannot.</summary>
    public static OnnxGeneration Load(DeploymentPlan plan, string folder, string modelPath, long maxElements)
    {
        var options = new SessionOptions();
        try
        {
            return new OnnxGeneration(plan, folder, new InferenceSession(modelPath, options), maxElements);
        }
        finally
        {
            options.Dispose();
        }
    }

    protected override int Limit => plan.MaxConcurrentRequestsPerReplica * plan.MinReplicas;

    /// <summary>Scores the plan's sample, or zeros shaped like the inputs: the model loads and runs.</summary>
    public DeploymentProof Prove()
    {
        var sample = string.IsNullOrWhiteSpace(plan.SampleRequest) ? JsonSerializer.Serialize(ZeroSample()) : plan.SampleRequest;
        var init = $"ONNX model loaded: inputs {Signature(session.InputMetadata)}; outputs {Signature(session.OutputMetadata)}";
        if (TryAdmit() != Admission.Admitted) return new DeploymentProof(false, "The generation took no request.", init, null);
        var result = ScoreAdmittedAsync(Encoding.UTF8.GetBytes(sample), CancellationToken.None).Result;
        var text = Encoding.UTF8.GetString(result.Body.Span);
        return result.ErrorCode is { } code
            ? new DeploymentProof(false, $"The sample request failed with {code}: {text}", init, text)
            : new DeploymentProof(true, null, init, text);
    }

    public override Task<ScoreResult> ScoreAdmittedAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(Score(body));
        }
        finally
        {
            Release();
        }
    }

    public override DeploymentRuntime Runtime() => new(Generation, 1, 1, Outstanding, 0);

    /// <summary>The swagger definitions of the inputs and outputs (Swagger 2.0 through <see cref="SwaggerDocument"/>).</summary>
    public string Schema()
    {
        var inputs = new JsonObject();
        foreach (var (name, metadata) in session.InputMetadata) inputs[name] = TensorSchema(metadata);
        var outputs = new JsonObject();
        foreach (var (name, metadata) in session.OutputMetadata) outputs[name] = TensorSchema(metadata);
        var schema = new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["inputs"] = new JsonObject { ["type"] = "object", ["properties"] = inputs } },
                ["example"] = JsonSerializer.SerializeToNode(ZeroSample()),
            },
            ["output"] = new JsonObject { ["type"] = "object", ["properties"] = outputs },
        };
        return schema.ToJsonString();
    }

    protected override ValueTask StopAsync()
    {
        session.Dispose();
        return ValueTask.CompletedTask;
    }

    private ScoreResult Score(ReadOnlyMemory<byte> body)
    {
        var values = new List<OrtValue>(inputNames.Length);
        try
        {
            using (var document = JsonDocument.Parse(body))
            {
                // The budget is for the whole request, and never more than the body could describe (a value takes a byte or more).
                var budget = Math.Min(maxElements, body.Length);
                foreach (var name in inputNames)
                {
                    var input = Input(document.RootElement, name);
                    var value = OnnxTensors.FromJson(name, session.InputMetadata[name], input, budget);
                    values.Add(value);
                    budget -= value.GetTensorTypeAndShape().ElementCount;
                }
            }
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputNames, values, outputNames);
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                var i = 0;
                foreach (var output in outputs)
                {
                    writer.WritePropertyName(outputNames[i++]);
                    OnnxTensors.Write(writer, output);
                }
                writer.WriteEndObject();
            }
            return new ScoreResult(null, buffer.WrittenSpan.ToArray(), ScoreResults.Json);
        }
        catch (JsonException e)
        {
            return ScoreResults.Error(ScoreResults.InvalidInput, $"The request body is not JSON ({e.Message}); send {RequestShape}.");
        }
        catch (FormatException e)
        {
            // The tensors were read and checked against the model's inputs before anything ran: the caller sent something else.
            return ScoreResults.Error(ScoreResults.InvalidInput, e.Message);
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidOperationException or NotSupportedException)
        {
            return ScoreResults.Error(ScoreResults.ScoringError, $"{e.GetType().Name}: {e.Message}");
        }
        catch (Exception e)
        {
            // Whatever else a request makes ONNX Runtime or the conversion throw is still this request's error.
            return ScoreResults.Error(ScoreResults.ScoringError, $"The model could not score the request ({e.GetType().Name}: {e.Message}).");
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>What a request looks like, for the problems that say what was wrong.</summary>
    private string RequestShape => inputNames.Length == 1
        ? $"{{\"data\": nested lists}} or {{\"inputs\": {{\"{inputNames[0]}\": nested lists}}}}"
        : $"{{\"inputs\": {{{string.Join(", ", inputNames.Select(n => $"\"{n}\": ..."))}}}}} (the model has {inputNames.Length} inputs)";

    private JsonElement Input(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"The request is not a JSON object: send {RequestShape}.");
        if (root.TryGetProperty("inputs", out var inputs) && inputs.ValueKind == JsonValueKind.Object)
        {
            return inputs.TryGetProperty(name, out var value) ? value : throw new FormatException($"The request's \"inputs\" has no '{name}'.");
        }
        if (inputNames.Length == 1 && root.TryGetProperty("data", out var data)) return data;
        throw new FormatException($"Send {RequestShape}.");
    }

    private Dictionary<string, object> ZeroSample() => new()
    {
        ["inputs"] = session.InputMetadata.ToDictionary(p => p.Key, p => OnnxTensors.Zeros(p.Value)),
    };

    private static JsonObject TensorSchema(NodeMetadata metadata)
    {
        JsonNode node = new JsonObject
        {
            ["type"] = metadata.ElementDataType is Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float or Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Double
                ? "number"
                : metadata.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Bool ? "boolean" : "integer",
        };
        for (var i = 0; i < metadata.Dimensions.Length; i++) node = new JsonObject { ["type"] = "array", ["items"] = node };
        var schema = (JsonObject)node;
        schema["format"] = "onnx.tensor:" + metadata.ElementDataType;
        return schema;
    }

    private static string Signature(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        string.Join(", ", nodes.Select(p => $"{p.Key} {p.Value.ElementDataType}[{string.Join(", ", p.Value.Dimensions.Select(d => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "n"))}]"));
}
