namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>A <c>final_state_assertions</c> entry. Numbers are decimals so lamports and ratios are exact.</summary>
/// <param name="Type">The assertion type.</param>
/// <param name="Pubkey">Placeholder or address (ignored when <paramref name="AddressDerivation"/> is given).</param>
/// <param name="Mint">Optional mint (300-series); for token assertions it must match the account's mint.</param>
/// <param name="AddressDerivation">Derive the account as the ATA of owner + mint.</param>
/// <param name="Expected">Exact value.</param>
/// <param name="ExpectedGte">Lower bound (inclusive).</param>
/// <param name="ExpectedLte">Upper bound (inclusive).</param>
/// <param name="ExpectedChangeGte">Lower bound on final − initial.</param>
/// <param name="ExpectedChangeLte">Upper bound on final − initial.</param>
/// <param name="ExpectedChangeNotZero">final ≠ initial when true.</param>
/// <param name="ExpectedApprox">Approximate value (±1%).</param>
/// <param name="MinPools">MultiPoolDiversification lower bound.</param>
/// <param name="MaxPools">MultiPoolDiversification upper bound.</param>
/// <param name="Weight">Weight in the assertion score; default 1.0.</param>
public sealed record FinalStateAssertion(
    AssertionType Type,
    string? Pubkey,
    string? Mint,
    AddressDerivation? AddressDerivation,
    decimal? Expected,
    decimal? ExpectedGte,
    decimal? ExpectedLte,
    decimal? ExpectedChangeGte,
    decimal? ExpectedChangeLte,
    bool? ExpectedChangeNotZero,
    decimal? ExpectedApprox,
    int? MinPools,
    int? MaxPools,
    double Weight);
