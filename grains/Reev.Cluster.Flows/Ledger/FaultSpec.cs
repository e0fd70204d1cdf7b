using System.Globalization;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>
/// Which faults to inject into a step's tool calls, reproducibly from a seed. Grammar (entries separated by
/// <c>,</c> or <c>;</c>, case-insensitive):
/// <list type="bullet">
/// <item><c>kind=rate</c>: each eligible call faults with probability <c>rate</c> in [0, 1], decided from the
/// seed, step, attempt and call index (kind: <c>transient</c>, <c>timeout</c>, <c>slippage</c>, <c>liquidity</c>, <c>venue</c>);</item>
/// <item><c>kind@N[+M…]</c>: every eligible call of attempt N (and M…) faults (scripted, for recovery tests);</item>
/// <item><c>spike_bps=B</c>: the execution drift of a slippage spike (default 300);</item>
/// <item><c>liquidity_usd=U</c>: the routable size during a liquidity shortfall (default 100 USD).</item>
/// </list>
/// Eligible calls: transient and timeout hit every tool call; slippage, liquidity and venue hit swaps.
/// Example: <c>transient=0.2, slippage@1, spike_bps=500</c>.
/// </summary>
/// <param name="Rates">Per kind, the probability of a fault per eligible call.</param>
/// <param name="Scripted">Per kind, the attempts on which every eligible call faults.</param>
/// <param name="SpikeBps">Execution drift of a slippage spike in basis points.</param>
/// <param name="LiquidityCapUsd">Largest routable trade during a liquidity shortfall.</param>
public sealed record FaultSpec(
    EquatableArray<FaultRate> Rates,
    EquatableArray<FaultScript> Scripted,
    int SpikeBps,
    decimal LiquidityCapUsd)
{
    /// <summary>Default slippage spike.</summary>
    public const int DefaultSpikeBps = 300;

    /// <summary>Default routable size during a liquidity shortfall.</summary>
    public const decimal DefaultLiquidityCapUsd = 100m;

    /// <summary>No faults.</summary>
    public static FaultSpec None { get; } = new(default(EquatableArray<FaultRate>), default(EquatableArray<FaultScript>), DefaultSpikeBps, DefaultLiquidityCapUsd);

    /// <summary>True when nothing can fault.</summary>
    public bool IsEmpty => Rates.All(static r => r.Rate <= 0) && Scripted.IsEmpty;

    /// <summary>The probability of <paramref name="kind"/> per eligible call.</summary>
    public double RateOf(FaultKind kind) => Rates.FirstOrDefault(r => r.Kind == kind)?.Rate ?? 0;

    /// <summary>True when <paramref name="kind"/> is scripted for <paramref name="attempt"/>.</summary>
    public bool IsScripted(FaultKind kind, int attempt) => Scripted.Any(s => s.Kind == kind && s.Attempts.Contains(attempt));

    /// <summary>Parses the grammar above; null or blank is <see cref="None"/>. Errors name the entry.</summary>
    public static FaultSpecResult Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return FaultSpecResult.Success(None);
        }

        var rates = new Dictionary<FaultKind, double>();
        var scripts = new Dictionary<FaultKind, SortedSet<int>>();
        var spike = DefaultSpikeBps;
        var cap = DefaultLiquidityCapUsd;
        foreach (var raw in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var entry = raw.ToLowerInvariant();
            var at = entry.IndexOf('@', StringComparison.Ordinal);
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (at > 0)
            {
                if (!TryKind(entry[..at], out var kind))
                {
                    return Unknown(raw, entry[..at]);
                }

                var set = scripts.TryGetValue(kind, out var existing) ? existing : scripts[kind] = [];
                foreach (var part in entry[(at + 1)..].Split('+'))
                {
                    if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var attempt) || attempt < 1)
                    {
                        return FaultSpecResult.Failure($"fault spec entry \"{raw}\": attempt \"{part}\" must be a positive integer");
                    }

                    set.Add(attempt);
                }

                continue;
            }

            if (eq <= 0)
            {
                return FaultSpecResult.Failure($"fault spec entry \"{raw}\" must be kind=rate, kind@attempt, spike_bps=N or liquidity_usd=N");
            }

            var key = entry[..eq];
            var value = entry[(eq + 1)..];
            switch (key)
            {
                case "spike_bps":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out spike) || spike is < 1 or > 10_000)
                    {
                        return FaultSpecResult.Failure($"fault spec entry \"{raw}\": spike_bps must be an integer in 1..10000");
                    }

                    break;
                case "liquidity_usd":
                    if (!decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out cap) || cap < 0)
                    {
                        return FaultSpecResult.Failure($"fault spec entry \"{raw}\": liquidity_usd must be a non-negative number");
                    }

                    break;
                default:
                    if (!TryKind(key, out var kind))
                    {
                        return Unknown(raw, key);
                    }

                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !double.IsFinite(rate) || rate is < 0 or > 1)
                    {
                        return FaultSpecResult.Failure($"fault spec entry \"{raw}\": the rate must be a number in [0, 1]");
                    }

                    rates[kind] = rate;
                    break;
            }
        }

        return FaultSpecResult.Success(new FaultSpec(
            new EquatableArray<FaultRate>(rates.OrderBy(static r => r.Key).Select(static r => new FaultRate(r.Key, r.Value))),
            new EquatableArray<FaultScript>(scripts.OrderBy(static s => s.Key).Select(static s => new FaultScript(s.Key, new EquatableArray<int>(s.Value)))),
            spike,
            cap));
    }

    /// <summary>The canonical text of this spec (parses back to an equal spec).</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        parts.AddRange(Rates.Select(static r => $"{Name(r.Kind)}={r.Rate.ToString("R", CultureInfo.InvariantCulture)}"));
        parts.AddRange(Scripted.Select(static s => $"{Name(s.Kind)}@{string.Join('+', s.Attempts)}"));
        if (SpikeBps != DefaultSpikeBps)
        {
            parts.Add($"spike_bps={SpikeBps.ToString(CultureInfo.InvariantCulture)}");
        }

        if (LiquidityCapUsd != DefaultLiquidityCapUsd)
        {
            parts.Add($"liquidity_usd={LiquidityCapUsd.ToString(CultureInfo.InvariantCulture)}");
        }

        return string.Join(", ", parts);
    }

    internal static string Name(FaultKind kind) => kind.ToString().ToLowerInvariant();

    private static FaultSpecResult Unknown(string entry, string kind) =>
        FaultSpecResult.Failure($"fault spec entry \"{entry}\": unknown fault \"{kind}\" (known: transient, timeout, slippage, liquidity, venue)");

    private static bool TryKind(string text, out FaultKind kind)
    {
        foreach (var candidate in Enum.GetValues<FaultKind>())
        {
            if (Name(candidate) == text)
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
