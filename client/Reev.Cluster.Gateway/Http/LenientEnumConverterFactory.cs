using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reev.Cluster.Gateway.Http;

/// <summary>Enums as snake_case strings on output; on input any case, with or without separators (the reference mixed both).</summary>
internal sealed class LenientEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(LenientEnumConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class LenientEnumConverter<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"expected one of {Names()}");
            }

            return LenientEnumConverterFactory.TryParse<TEnum>(reader.GetString(), out var value) ? value : throw new JsonException($"'{reader.GetString()}' is not one of {Names()}");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()));
        }

        private static string Names() => string.Join(", ", Enum.GetNames<TEnum>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));
    }

    /// <summary>Parses an enum name in any case, ignoring <c>_</c>, <c>-</c> and spaces.</summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || char.IsDigit(text.Trim()[0]) || text.Trim()[0] == '-')
        {
            return false;
        }

        var normalized = Normalize(text);
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Normalize(candidate.ToString()), normalized, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        return false;
    }

    private static string Normalize(string text) => text.Replace("_", string.Empty, StringComparison.Ordinal)
        .Replace("-", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).Trim();
}
