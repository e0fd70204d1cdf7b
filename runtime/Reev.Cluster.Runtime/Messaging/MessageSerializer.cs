using System.Text.Json;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>Serializes call arguments (a JSON array), results and grain state.</summary>
internal sealed class MessageSerializer(JsonSerializerOptions options)
{
    public JsonSerializerOptions Options { get; } = options;

    public string SerializeArguments(GrainMethod method, object?[]? args, string grainType)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            var argIndex = 0;
            var parameters = method.Method.GetParameters();
            for (var i = 0; i < parameters.Length; i++)
            {
                if (i == method.CancellationTokenIndex)
                {
                    continue;
                }

                var type = method.ArgumentTypes[argIndex++];
                try
                {
                    JsonSerializer.Serialize(writer, args?[i], type, Options);
                }
                catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
                {
                    throw new GrainCallException(
                        $"{grainType}.{method.WireName}: argument '{parameters[i].Name}' of type {type.Name} cannot be serialized: {ex.Message}", ex);
                }
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public object?[] DeserializeArguments(GrainMethod method, string payload, CancellationToken cancellationToken)
    {
        var parameters = method.Method.GetParameters();
        var result = new object?[parameters.Length];
        var bytes = System.Text.Encoding.UTF8.GetBytes(payload);
        var reader = new Utf8JsonReader(bytes);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new GrainCallException($"{method.WireName}: the message's arguments are not a JSON array.");
        }

        var argIndex = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            if (i == method.CancellationTokenIndex)
            {
                result[i] = cancellationToken;
                continue;
            }

            if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            {
                throw new GrainCallException(
                    $"{method.WireName}: the message carries {argIndex} arguments; the method takes {method.ArgumentTypes.Length}.");
            }

            result[i] = JsonSerializer.Deserialize(ref reader, method.ArgumentTypes[argIndex], Options);
            argIndex++;
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            throw new GrainCallException(
                $"{method.WireName}: the message carries more arguments than the {method.ArgumentTypes.Length} the method takes.");
        }

        return result;
    }

    public string Serialize(object? value, Type type) => JsonSerializer.Serialize(value, type, Options);

    public object? Deserialize(string json, Type type) => JsonSerializer.Deserialize(json, type, Options);
}
