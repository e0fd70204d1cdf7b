using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Reev.Cluster.Cli.CommandLine;

/// <summary>
/// System.CommandLine's parse errors as one line for people: each names its option or argument and says what is wrong
/// with the value (<c>--seed: 'abc' is not an integer</c>, <c>--atomic: 'maybe' is not one of strict, conditional,
/// lenient</c>), from the symbol the error belongs to, its value type and its allowed values (completions), never the
/// library's text with .NET type names and tab-indented lists.
/// </summary>
internal static class ParseErrors
{
    public static string Describe(IEnumerable<ParseError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return string.Join("; ", errors.Select(Describe).Distinct(StringComparer.Ordinal));
    }

    private static string Describe(ParseError error)
    {
        (string Name, Symbol Symbol, SymbolResult Result)? subject = error.SymbolResult switch
        {
            OptionResult o => (o.Option.Name, o.Option, o),
            ArgumentResult { Parent: OptionResult o } a => (o.Option.Name, o.Option, a),
            ArgumentResult a => ($"<{a.Argument.Name}>", a.Argument, a),
            _ => null,
        };
        if (subject is not var (name, symbol, result))
        {
            return OneLine(error.Message);
        }

        if (result.Tokens.Count == 0)
        {
            return symbol is Option ? $"{name}: needs a value" : $"{name}: missing";
        }

        var allowed = Allowed(symbol);
        var type = ValueType(symbol);
        foreach (var token in result.Tokens)
        {
            if (allowed.Count > 0 && !allowed.Contains(token.Value, StringComparer.Ordinal))
            {
                return $"{name}: '{token.Value}' is not one of {string.Join(", ", allowed)}";
            }

            if (TypeProblem(token.Value, type) is { } problem)
            {
                return $"{name}: '{token.Value}' {problem}";
            }
        }

        // Not a value the type refuses (e.g. too many values): the library's text, on one line, under the symbol's name.
        var message = OneLine(error.Message);
        return message.Contains(name, StringComparison.Ordinal) ? message : $"{name}: {message}";
    }

    /// <summary>The values the symbol accepts (<c>AcceptOnlyFromAmong</c>, bool, enums), in their declared order.</summary>
    private static List<string> Allowed(Symbol symbol)
    {
        var sources = symbol switch
        {
            Option o => o.CompletionSources,
            Argument a => a.CompletionSources,
            _ => [],
        };
        return [.. sources.SelectMany(static source => source(CompletionContext.Empty)).Select(static c => c.Label).Distinct(StringComparer.Ordinal)];
    }

    private static Type ValueType(Symbol symbol)
    {
        var type = symbol switch
        {
            Option o => o.ValueType,
            Argument a => a.ValueType,
            _ => typeof(string),
        };
        type = type.IsArray ? type.GetElementType()! : type;
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    /// <summary>What is wrong with <paramref name="text"/> as a <paramref name="type"/>, or null when it converts.</summary>
    private static string? TypeProblem(string text, Type type)
    {
        var culture = CultureInfo.InvariantCulture;
        if (type == typeof(string))
        {
            return null;
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) ||
            type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte))
        {
            return !BigInteger.TryParse(text, NumberStyles.Integer, culture, out _) ? "is not an integer"
                : ConvertsTo(text, type) ? null : "is out of range";
        }

        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float))
        {
            return ConvertsTo(text, type) ? null : "is not a number";
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(text, out _) ? null : "is not true or false";
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(text, culture, out _) ? null : "is not a duration (hh:mm:ss)";
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, text, ignoreCase: true, out _) ? null : $"is not one of {string.Join(", ", Enum.GetNames(type).Select(static n => n.ToLowerInvariant()))}";
        }

        // Types without a conversion of their own here: the library's text (below) names what it expected.
        return typeof(IConvertible).IsAssignableFrom(type) && !ConvertsTo(text, type) ? "is not a valid value" : null;
    }

    private static bool ConvertsTo(string text, Type type)
    {
        try
        {
            _ = Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException)
        {
            return false;
        }
    }

    /// <summary>The library's message on one line, without its final full stop (messages are joined with "; ").</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
}
