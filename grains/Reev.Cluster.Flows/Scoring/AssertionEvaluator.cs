using System.Globalization;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Scoring;

/// <summary>
/// Evaluates <c>final_state_assertions</c> on the initial and final ledgers; the assertion score is the
/// weighted fraction that hold (1.0 when there are none or all weights are 0). The reference never
/// computed it; meanings here:
/// <list type="bullet">
/// <item>A measured value <c>v</c> (final) and its change <c>d = final − initial</c>. <c>expected</c> (v = x),
/// <c>expected_gte</c>, <c>expected_lte</c> and <c>expected_approx</c> (within ±1%) test <c>v</c>;
/// <c>expected_change_gte</c>, <c>expected_change_lte</c> and <c>expected_change_not_zero</c> test <c>d</c>.
/// For the <c>*Change</c> types a plain <c>expected</c> is read as the exact change. Every given condition must hold.</item>
/// <item><c>SolBalance</c>/<c>SolBalanceChange</c>: lamports of the account.</item>
/// <item><c>TokenAccountBalance</c>/<c>TokenAccountBalanceChange</c>: amount of the token account (the ATA of
/// <c>address_derivation</c> when given); 0 when it does not exist; with <c>mint</c>, an account of another mint fails.</item>
/// <item><c>TotalPortfolioValue</c>: the wallet's SOL, tokens and lending positions at oracle prices, in micro-USD (USDC base units).</item>
/// <item><c>LiquidityRatio</c>: stable tokens held directly (USDC, USDT) ÷ total portfolio value, in [0, 1].</item>
/// <item><c>MultiPoolDiversification</c>: number of lending pools the wallet holds shares in, within [min_pools, max_pools].</item>
/// <item><c>CapitalReserve</c>: the wallet's unlent value (SOL and tokens held directly) expressed in lamports at the oracle SOL price.</item>
/// <item><c>JupiterLendingPosition</c>: the underlying assets (base units of <c>mint</c>, default USDC) of the wallet's position in that pool.</item>
/// </list>
/// </summary>
public static class AssertionEvaluator
{
    private const decimal ApproxTolerance = 0.01m;

    public static AssertionScore Evaluate(
        IReadOnlyList<FinalStateAssertion> assertions,
        KeyMap keyMap,
        LedgerSnapshot initial,
        LedgerSnapshot final)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        ArgumentNullException.ThrowIfNull(keyMap);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(final);
        if (assertions.Count == 0)
        {
            return AssertionScore.None;
        }

        var results = new List<AssertionResult>();
        double total = 0;
        double held = 0;
        for (var i = 0; i < assertions.Count; i++)
        {
            var result = EvaluateOne(i, assertions[i], keyMap, initial, final);
            results.Add(result);
            total += result.Weight;
            if (result.Held)
            {
                held += result.Weight;
            }
        }

        // Weights near double's maximum sum to Infinity (Infinity / Infinity is NaN): such a score is 0, never NaN.
        var ratio = total <= 0 ? 1.0 : held / total;
        var score = double.IsFinite(total) && double.IsFinite(ratio) ? Math.Clamp(ratio, 0.0, 1.0) : 0.0;
        return new AssertionScore(score, total, held, new EquatableArray<AssertionResult>(results));
    }

    private static AssertionResult EvaluateOne(int index, FinalStateAssertion assertion, KeyMap keyMap, LedgerSnapshot initial, LedgerSnapshot final)
    {
        var (target, address) = Target(assertion, keyMap);
        if (!Base58.IsPublicKey(address))
        {
            return new AssertionResult(index, assertion.Type, target, address, false, assertion.Weight, null, null, $"\"{target}\" does not resolve to an address in this run");
        }

        if (assertion.Mint is { } mint && assertion.Type is AssertionType.TokenAccountBalance or AssertionType.TokenAccountBalanceChange &&
            final.Find(address)?.Token is { } token && token.Mint != mint)
        {
            return new AssertionResult(index, assertion.Type, target, address, false, assertion.Weight, token.Amount, null, $"account holds mint {token.Mint}, expected {mint}");
        }

        var before = Measure(assertion, address, initial);
        var after = Measure(assertion, address, final);
        var change = after - before;
        var conditions = new List<(bool Held, string Text)>();
        var isChangeType = assertion.Type is AssertionType.SolBalanceChange or AssertionType.TokenAccountBalanceChange;
        if (assertion.Expected is { } expected)
        {
            conditions.Add(isChangeType ? (change == expected, $"change {N(change)} == {N(expected)}") : (after == expected, $"{N(after)} == {N(expected)}"));
        }

        if (assertion.ExpectedGte is { } gte)
        {
            conditions.Add((after >= gte, $"{N(after)} >= {N(gte)}"));
        }

        if (assertion.ExpectedLte is { } lte)
        {
            conditions.Add((after <= lte, $"{N(after)} <= {N(lte)}"));
        }

        if (assertion.ExpectedApprox is { } approx)
        {
            conditions.Add((Math.Abs(after - approx) <= Math.Abs(approx) * ApproxTolerance, $"{N(after)} ≈ {N(approx)} (±1%)"));
        }

        if (assertion.ExpectedChangeGte is { } changeGte)
        {
            conditions.Add((change >= changeGte, $"change {N(change)} >= {N(changeGte)}"));
        }

        if (assertion.ExpectedChangeLte is { } changeLte)
        {
            conditions.Add((change <= changeLte, $"change {N(change)} <= {N(changeLte)}"));
        }

        if (assertion.ExpectedChangeNotZero is { } notZero)
        {
            conditions.Add(((change != 0) == notZero, notZero ? $"change {N(change)} != 0" : $"change {N(change)} == 0"));
        }

        if (assertion.MinPools is { } minPools)
        {
            conditions.Add((after >= minPools, $"{N(after)} pools >= {minPools}"));
        }

        if (assertion.MaxPools is { } maxPools)
        {
            conditions.Add((after <= maxPools, $"{N(after)} pools <= {maxPools}"));
        }

        var holds = conditions.Count > 0 && conditions.All(static c => c.Held);
        var detail = string.Join("; ", conditions.Select(static c => (c.Held ? "ok: " : "FAILED: ") + c.Text));
        return new AssertionResult(index, assertion.Type, target, address, holds, assertion.Weight, after, before, detail);
    }

    private static (string Target, string Address) Target(FinalStateAssertion assertion, KeyMap keyMap)
    {
        if (assertion.AddressDerivation is { } derivation)
        {
            var owner = keyMap.Resolve(derivation.Owner);
            var target = $"ATA({derivation.Owner}, {TokenCatalog.FindByMint(derivation.Mint)?.Symbol ?? derivation.Mint})";
            return AssociatedTokenAddress.TryDerive(owner, derivation.Mint, out var ata) ? (target, ata) : (target, owner);
        }

        var pubkey = assertion.Pubkey ?? "";
        return (pubkey, keyMap.Resolve(pubkey));
    }

    private static decimal Measure(FinalStateAssertion assertion, string address, LedgerSnapshot ledger)
    {
        switch (assertion.Type)
        {
            case AssertionType.SolBalance or AssertionType.SolBalanceChange:
                return ledger.LamportsOf(address);
            case AssertionType.TokenAccountBalance or AssertionType.TokenAccountBalanceChange:
                return ledger.Find(address)?.Token?.Amount ?? 0;
            case AssertionType.TotalPortfolioValue:
                return decimal.Floor(PortfolioValuation.TotalUsd(ledger, address) * 1_000_000m);
            case AssertionType.LiquidityRatio:
                var total = PortfolioValuation.TotalUsd(ledger, address);
                return total == 0 ? 0 : PortfolioValuation.StableUsd(ledger, address) / total;
            case AssertionType.MultiPoolDiversification:
                return PortfolioValuation.PoolCount(ledger, address);
            case AssertionType.CapitalReserve:
                var sol = TokenCatalog.FindByMint(TokenCatalog.SolMint)!;
                return decimal.Floor(PortfolioValuation.LiquidUsd(ledger, address) / sol.PriceUsd * sol.UnitsPerToken);
            default:
                var assetMint = assertion.Mint ?? TokenCatalog.UsdcMint;
                var share = TokenCatalog.ShareTokenOf(assetMint);
                var shares = share is null ? 0UL : PortfolioValuation.Holdings(ledger, address).Where(h => h.Token.Mint == share.Mint).Aggregate(0UL, static (s, h) => s + h.Amount);
                return PortfolioValuation.UnderlyingOf(ledger, assetMint, shares);
        }
    }

    private static string N(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
