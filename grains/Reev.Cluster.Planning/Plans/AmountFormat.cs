using System.Globalization;

namespace Reev.Cluster.Planning.Plans;

/// <summary>Exact conversions between whole-token decimals and base units.</summary>
public static class AmountFormat
{
    /// <summary>Base units as a whole-token decimal without trailing zeros: 100000000 lamports → "0.1".</summary>
    public static string Units(ulong baseUnits, int decimals) =>
        (baseUnits / Scale(decimals)).ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>Whole tokens to base units, or null when the value has more precision than the mint or does not fit.</summary>
    public static ulong? ToBaseUnits(decimal tokens, int decimals)
    {
        if (tokens < 0)
        {
            return null;
        }

        decimal scaled;
        try
        {
            scaled = tokens * Scale(decimals);
        }
        catch (OverflowException)
        {
            return null;
        }

        if (scaled != decimal.Truncate(scaled) || scaled > ulong.MaxValue)
        {
            return null;
        }

        return (ulong)scaled;
    }

    /// <summary>A USD amount as "$1,234.56".</summary>
    public static string Usd(decimal value) => "$" + decimal.Round(value, 2, MidpointRounding.AwayFromZero).ToString("#,##0.00", CultureInfo.InvariantCulture);

    internal static decimal Scale(int decimals)
    {
        var result = 1m;
        for (var i = 0; i < decimals; i++)
        {
            result *= 10m;
        }

        return result;
    }
}
