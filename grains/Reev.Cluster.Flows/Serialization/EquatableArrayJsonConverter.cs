using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Reev.Cluster.Flows.Serialization;

/// <summary>Reads and writes an <see cref="EquatableArray{T}"/> as a JSON array.</summary>
internal sealed class EquatableArrayJsonConverter<T> : JsonConverter<EquatableArray<T>>
{
    // The metadata of the options last seen (a converter serves one options instance in practice): GetTypeInfo per
    // call showed in profiles of the grains' state writes.
    private Cached? _cached; // a reference: written and read by many threads without tearing

    public override EquatableArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default(EquatableArray<T>);
        }

        var info = InfoFor(options);
        return new EquatableArray<T>(JsonSerializer.Deserialize(ref reader, info));
    }

    public override void Write(Utf8JsonWriter writer, EquatableArray<T> value, JsonSerializerOptions options)
    {
        var info = InfoFor(options);
        JsonSerializer.Serialize(writer, value.Items, info);
    }

    private JsonTypeInfo<ImmutableArray<T>> InfoFor(JsonSerializerOptions options)
    {
        if (_cached is { } cached && ReferenceEquals(cached.Options, options))
        {
            return cached.Info;
        }

        var info = (JsonTypeInfo<ImmutableArray<T>>)options.GetTypeInfo(typeof(ImmutableArray<T>));
        _cached = new Cached(options, info);
        return info;
    }

    private sealed record Cached(JsonSerializerOptions Options, JsonTypeInfo<ImmutableArray<T>> Info);
}
