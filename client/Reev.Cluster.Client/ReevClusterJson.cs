using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reev.Cluster.Client;

/// <summary>
/// The JSON settings of messages and replies on the wire: web defaults with enums by name. They must equal the
/// silo's (<c>ReevGrains.SerializerOptions</c>; the client does not reference the grains, a gateway test checks they agree).
/// </summary>
public static class ReevClusterJson
{
    public static JsonSerializerOptions MessageOptions { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
