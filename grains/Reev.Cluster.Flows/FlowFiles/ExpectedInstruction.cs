using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>An <c>expected_instructions</c> entry.</summary>
/// <param name="ProgramId">Expected program id.</param>
/// <param name="ProgramIdWeight">Default 1.0.</param>
/// <param name="Accounts">Expected account metas, paired by index.</param>
/// <param name="Data">Base58 data, or <c>"..."</c> (not scored), or absent.</param>
/// <param name="DataWeight">Weight of the data match; 1.0 when absent and data is scored.</param>
public sealed record ExpectedInstruction(
    string ProgramId,
    double ProgramIdWeight,
    EquatableArray<ExpectedAccount> Accounts,
    string? Data,
    double? DataWeight)
{
    /// <summary>The data marker meaning "not scored".</summary>
    public const string UnscoredData = "...";

    /// <summary>True when the data takes part in the score.</summary>
    public bool ScoresData => Data is not null && Data != UnscoredData;

    /// <summary>The data weight used by the score.</summary>
    public double EffectiveDataWeight => ScoresData ? DataWeight ?? 1.0 : 0.0;
}
