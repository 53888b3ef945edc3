using System.Text.Json;
using System.Text.Json.Nodes;

namespace Loom.Serving;

/// <summary>
/// The <c>swagger.json</c> of a deployment whose <c>run</c> declares schemas (inference_schema decorators), in the shape
/// Azure ML v1 serves: Swagger 2.0 with <c>/</c> (liveness) and <c>/score</c>, and the input and output as definitions.
/// </summary>
internal static class SwaggerDocument
{
    /// <summary>The document for the worker's declared schema (<c>{"input": ..., "output": ...}</c>), or null when it declares none.</summary>
    public static string? Build(string endpoint, string deployment, string? declared)
    {
        if (declared is null || JsonNode.Parse(declared) is not JsonObject schema) return null;
        var input = schema["input"]?.DeepClone();
        var output = schema["output"]?.DeepClone();
        if (input is null && output is null) return null;
        var document = new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject
            {
                ["title"] = endpoint,
                ["description"] = $"API specification for the Loom deployment {endpoint}/{deployment}",
                ["version"] = "1.0",
            },
            ["schemes"] = new JsonArray("http", "https"),
            ["consumes"] = new JsonArray("application/json"),
            ["produces"] = new JsonArray("application/json"),
            ["securityDefinitions"] = new JsonObject
            {
                ["Bearer"] = new JsonObject
                {
                    ["type"] = "apiKey",
                    ["name"] = "Authorization",
                    ["in"] = "header",
                    ["description"] = "For example: Bearer abc123",
                },
            },
            ["paths"] = new JsonObject
            {
                ["/"] = new JsonObject
                {
                    ["get"] = new JsonObject
                    {
                        ["operationId"] = "ServiceHealthCheck",
                        ["description"] = "Simple health check endpoint to ensure the service is up at any given point.",
                        ["responses"] = new JsonObject
                        {
                            ["200"] = new JsonObject { ["description"] = "If the service is up and running, this method returns 200" },
                            ["default"] = Error(),
                        },
                    },
                },
                ["/score"] = new JsonObject
                {
                    ["post"] = new JsonObject
                    {
                        ["operationId"] = "RunMLService",
                        ["description"] = "Run web service's model and get the prediction output",
                        ["security"] = new JsonArray(new JsonObject { ["Bearer"] = new JsonArray() }),
                        ["parameters"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "serviceInputPayload",
                            ["in"] = "body",
                            ["description"] = "The input payload for executing the real-time machine learning service.",
                            ["schema"] = new JsonObject { ["$ref"] = "#/definitions/ServiceInput" },
                        }),
                        ["responses"] = new JsonObject
                        {
                            ["200"] = new JsonObject
                            {
                                ["description"] = "The service processed the input correctly and provided a result prediction, if applicable.",
                                ["schema"] = new JsonObject { ["$ref"] = "#/definitions/ServiceOutput" },
                            },
                            ["default"] = Error(),
                        },
                    },
                },
            },
            ["definitions"] = new JsonObject
            {
                ["ServiceInput"] = input ?? new JsonObject { ["type"] = "object" },
                ["ServiceOutput"] = output ?? new JsonObject { ["type"] = "object" },
                ["ErrorResponse"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["title"] = new JsonObject { ["type"] = "string" },
                        ["detail"] = new JsonObject { ["type"] = "string" },
                        ["code"] = new JsonObject { ["type"] = "string" },
                    },
                },
            },
        };
        return document.ToJsonString(Indented);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static JsonObject Error() => new()
    {
        ["description"] = "The service failed to execute due to an error.",
        ["schema"] = new JsonObject { ["$ref"] = "#/definitions/ErrorResponse" },
    };
}
