using System.Buffers;
using System.Text.Json;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>Serializes call arguments (a JSON array), results and grain state.</summary>
internal sealed class MessageSerializer(JsonSerializerOptions options)
{
    // Every turn serializes its state and its sends: the buffer is reused per thread (only used synchronously,
    // between a reset and the string copy) instead of growing a new buffer each time.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    public JsonSerializerOptions Options { get; } = options;

    // The writer follows the serializer options as JsonSerializer.Serialize to a string does.
    private readonly JsonWriterOptions _writerOptions = new() { Encoder = options.Encoder, Indented = options.WriteIndented, MaxDepth = options.MaxDepth };

    public byte[] SerializeArguments(GrainMethod method, object?[]? args, string grainType)
    {
        var (buffer, writer) = Rent();
        try
        {
            writer.WriteStartArray();
            var argIndex = 0;
            var parameters = method.Parameters;
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
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            Return(buffer, writer);
        }
    }

    public object?[] DeserializeArguments(GrainMethod method, byte[] payload, CancellationToken cancellationToken)
    {
        var result = new object?[method.Parameters.Length];
        ReadArguments(method, payload, result, cancellationToken);
        return result;
    }

    public string Serialize(object? value, Type type) => Write(value, type, static json => System.Text.Encoding.UTF8.GetString(json));

    public object? Deserialize(string json, Type type) => JsonSerializer.Deserialize(json, type, Options);

    /// <summary>
    /// UTF-8 JSON for grain states: half the bytes of a string of the same JSON, written by the stores as they are
    /// (no transcoding); states of several KB are written at most turns.
    /// </summary>
    public byte[] SerializeToUtf8(object? value, Type type) => Write(value, type, static json => json.ToArray());

    public object? Deserialize(ReadOnlySpan<byte> utf8, Type type) => JsonSerializer.Deserialize(utf8, type, Options);

    /// <summary>Serializes into this thread's buffer and hands the JSON to <paramref name="finish"/>, which copies it out.</summary>
    private T Write<T>(object? value, Type type, Func<ReadOnlySpan<byte>, T> finish)
    {
        var (buffer, writer) = Rent();
        try
        {
            JsonSerializer.Serialize(writer, value, type, Options);
            writer.Flush();
            return finish(buffer.WrittenSpan);
        }
        finally
        {
            Return(buffer, writer);
        }
    }

    private (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) Rent()
    {
        var buffer = _threadBuffer ?? new ArrayBufferWriter<byte>(4096);
        _threadBuffer = null; // a nested use on this thread gets a buffer of its own
        buffer.ResetWrittenCount();
        return (buffer, new Utf8JsonWriter(buffer, _writerOptions));
    }

    private static void Return(ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        writer.Dispose();
        if (buffer.Capacity <= 1 << 20)
        {
            _threadBuffer = buffer; // buffers of ordinary size are kept; a huge state's is left to the GC
        }
    }

    private void ReadArguments(GrainMethod method, ReadOnlySpan<byte> bytes, object?[] result, CancellationToken cancellationToken)
    {
        var parameters = method.Parameters;
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

    }
}
