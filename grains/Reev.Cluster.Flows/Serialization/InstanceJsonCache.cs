using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Reev.Cluster.Flows.Serialization;

/// <summary>
/// Writes instances of immutable types from JSON kept per instance: the first write of an instance serializes it, later
/// writes of the same instance copy those bytes. Meant for the flow domain's large immutable values (documents, ledger
/// snapshots, key maps), which a grain's state and its messages carry unchanged turn after turn. Reading is the
/// ordinary deserialization. Only for types whose instances never change once built.
/// </summary>
public sealed class InstanceJsonCache : JsonConverterFactory
{
    private readonly HashSet<Type> _types;

    public InstanceJsonCache(params Type[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.FirstOrDefault(t => t.IsValueType) is { } valueType)
        {
            throw new ArgumentException($"{valueType.Name} is a value type: instances have no identity to cache by.", nameof(types));
        }

        _types = [.. types];
    }

    /// <summary>The cache for the flow domain's immutable values.</summary>
    public static InstanceJsonCache ForFlows() =>
        new(typeof(FlowFiles.FlowDocument), typeof(Ledger.LedgerSnapshot), typeof(FlowFiles.KeyMap));

    public override bool CanConvert(Type typeToConvert) => _types.Contains(typeToConvert);

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(typeToConvert);
        var converterType = typeof(InstanceJsonCacheConverter<>).MakeGenericType(typeToConvert);
        return (JsonConverter?)Activator.CreateInstance(converterType, this);
    }
}

internal sealed class InstanceJsonCacheConverter<T>(InstanceJsonCache owner) : JsonConverter<T>
    where T : class
{
    private readonly ConditionalWeakTable<T, byte[]> _json = new();
    private Inner? _inner; // a reference: read and written by many threads without tearing

    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, InfoFor(options));

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        if (!_json.TryGetValue(value, out var json))
        {
            json = JsonSerializer.SerializeToUtf8Bytes(value, InfoFor(options));
            _json.AddOrUpdate(value, json);
        }

        writer.WriteRawValue(json, skipInputValidation: true); // written by the serializer itself a moment ago
    }

    /// <summary>The type's own contract: the same options without this cache (a converter cannot call itself).</summary>
    private JsonTypeInfo<T> InfoFor(JsonSerializerOptions options)
    {
        if (_inner is { } inner && ReferenceEquals(inner.Options, options))
        {
            return inner.Info;
        }

        var without = new JsonSerializerOptions(options);
        without.Converters.Remove(owner);
        without.MakeReadOnly(populateMissingResolver: true);
        var info = (JsonTypeInfo<T>)without.GetTypeInfo(typeof(T));
        _inner = new Inner(options, info);
        return info;
    }

    private sealed record Inner(JsonSerializerOptions Options, JsonTypeInfo<T> Info);
}
