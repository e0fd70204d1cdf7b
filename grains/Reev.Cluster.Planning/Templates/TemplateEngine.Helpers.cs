using System.Globalization;
using System.Text;
using HandlebarsDotNet;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Planning.Templates;

public sealed partial class TemplateEngine
{
    /// <summary>
    /// Helpers: <c>token_price SYMBOL_OR_MINT</c> (oracle USD price through the resolver's price cache, "0.00" when
    /// unknown), <c>token_balance WALLET SYMBOL_OR_MINT</c> (whole tokens held in a <see cref="WalletContext"/>),
    /// <c>format_usd N</c> ("$1,234.56"), <c>format_token BASE_UNITS DECIMALS</c> ("0.1"), <c>yaml TEXT</c>
    /// (a YAML double-quoted scalar).
    /// </summary>
    private static void RegisterHelpers(IHandlebars handlebars, ContextResolver prices)
    {
        handlebars.RegisterHelper("token_price", (writer, _, arguments) =>
        {
            var price = arguments.Length > 0 && arguments[0]?.ToString() is { } token ? prices.PriceOf(token) : null;
            writer.WriteSafeString((price ?? 0m).ToString("0.00####", CultureInfo.InvariantCulture));
        });
        handlebars.RegisterHelper("token_balance", (writer, _, arguments) =>
        {
            if (arguments.Length < 2 || arguments[0] is not WalletContext wallet || arguments[1]?.ToString() is not { } token)
            {
                throw new HandlebarsException("token_balance needs a wallet context and a token symbol or mint");
            }

            var info = TokenCatalog.FindBySymbol(token) ?? TokenCatalog.FindByMint(token);
            var units = info is null ? 0 : wallet.BalanceOf(info.Symbol);
            writer.WriteSafeString(AmountFormat.Units(units, info?.Decimals ?? 0));
        });
        handlebars.RegisterHelper("format_usd", (writer, _, arguments) =>
            writer.WriteSafeString(AmountFormat.Usd(arguments.Length > 0 ? ToDecimal(arguments[0]) : 0m)));
        handlebars.RegisterHelper("format_token", (writer, _, arguments) =>
        {
            if (arguments.Length < 2)
            {
                throw new HandlebarsException("format_token needs base units and decimals");
            }

            writer.WriteSafeString(AmountFormat.Units((ulong)ToDecimal(arguments[0]), (int)ToDecimal(arguments[1])));
        });
        handlebars.RegisterHelper("yaml", (writer, _, arguments) => writer.WriteSafeString(YamlQuote(arguments.Length > 0 ? arguments[0]?.ToString() ?? "" : "")));
    }

    private static decimal ToDecimal(object? value) => value switch
    {
        null => 0m,
        decimal d => d,
        ulong u => u,
        long l => l,
        int i => i,
        double f => (decimal)f,
        _ => decimal.Parse(value.ToString() ?? "0", NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>A YAML double-quoted scalar: backslash, quote and control characters escaped.</summary>
    internal static string YamlQuote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
