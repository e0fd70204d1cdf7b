using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Recovery;

/// <summary>A registered strategy as the API shows it.</summary>
internal sealed record RecoveryStrategyResource(
    string Id,
    string ErrorPattern,
    StrategyPatternKind PatternKind,
    string? Tool,
    AlternateKind Alternate,
    int Priority,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    RecoveryStrategyLinks Links)
{
    public const string CollectionPath = "/api/v1/recovery/strategies";

    public static RecoveryStrategyResource From(RecoveryStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new(strategy.Id, strategy.ErrorPattern, strategy.PatternKind, strategy.Tool, strategy.Alternate, strategy.Priority,
            strategy.CreatedAt, strategy.CreatedBy, new RecoveryStrategyLinks($"{CollectionPath}/{strategy.Id}"));
    }
}

internal sealed record RecoveryStrategyLinks(string Self);

/// <summary>The registered strategies, in the order the recovery grain consults them.</summary>
internal sealed record RecoveryStrategyListResource(IReadOnlyList<RecoveryStrategyResource> Strategies, int Count);
