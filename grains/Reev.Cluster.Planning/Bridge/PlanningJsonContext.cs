using System.Text.Json.Serialization;

namespace Reev.Cluster.Planning.Bridge;

/// <summary>Source-generated JSON for the <c>plan</c> key of planned flow files (snake_case, enums by name).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PlanExtra))]
internal sealed partial class PlanningJsonContext : JsonSerializerContext;
