using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reev.Cluster.Flows.Serialization;

/// <summary>Creates the JSON converter of an <see cref="EquatableArray{T}"/>.</summary>
public sealed class EquatableArrayJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert)
    {
        ArgumentNullException.ThrowIfNull(typeToConvert);
        return typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(EquatableArray<>);
    }

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(typeToConvert);
        var elementType = typeToConvert.GetGenericArguments()[0];
        var converterType = typeof(EquatableArrayJsonConverter<>).MakeGenericType(elementType);
        return (JsonConverter?)Activator.CreateInstance(converterType);
    }
}
