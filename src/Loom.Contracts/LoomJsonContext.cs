using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loom.Contracts;

/// <summary>Source-generated serializers for the hot request and response types.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(UtcTimeConverter), typeof(NamedEnumConverter<RunStatus>), typeof(NamedEnumConverter<Role>)])]
[JsonSerializable(typeof(MetricBatch))]
[JsonSerializable(typeof(MetricBatchResult))]
[JsonSerializable(typeof(RunDto))]
[JsonSerializable(typeof(ListResult<RunDto>))]
[JsonSerializable(typeof(Dictionary<string, MetricSummary>))]
[JsonSerializable(typeof(MetricHistory))]
[JsonSerializable(typeof(ProblemDto))]
public sealed partial class LoomJsonContext : JsonSerializerContext;
