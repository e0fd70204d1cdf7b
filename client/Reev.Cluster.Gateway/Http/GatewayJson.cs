using System.Text.Json;
using System.Text.Json.Serialization;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Gateway.Http;

/// <summary>
/// JSON of the HTTP API: snake_case names, enums written snake_case and read in any case or spelling
/// (<c>Completed</c>, <c>completed</c>, <c>AWAITING_USER</c>), nulls omitted, unknown fields ignored.
/// </summary>
internal static class GatewayJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new LenientEnumConverterFactory());
        options.Converters.Add(new EquatableArrayJsonConverterFactory());
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
