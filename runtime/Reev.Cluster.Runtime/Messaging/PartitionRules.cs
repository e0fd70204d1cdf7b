using System.Collections.Concurrent;
using System.Reflection;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>
/// The grain types placed with an anchor (<see cref="PartitionWithAttribute"/>), by wire alias, for this process. A rule
/// is recorded when the first interface of its alias is read (a proxy, a silo's registration), before any partition
/// of that alias is computed; interfaces sharing an alias must declare the same rule (ADR 0015).
/// </summary>
internal static class PartitionRules
{
    private static readonly ConcurrentDictionary<string, Rule?> ByAlias = new(StringComparer.Ordinal);

    /// <summary>The rule <paramref name="interfaceType"/> declares (null for none), checked against its alias's.</summary>
    public static void Register(Type interfaceType, string alias)
    {
        var rule = Read(interfaceType, alias);
        var recorded = ByAlias.GetOrAdd(alias, rule);
        if (!Equals(recorded, rule))
        {
            throw new GrainCallException(
                $"{interfaceType.Name}: grain type '{alias}' is placed {Describe(rule)} here and {Describe(recorded)} by another interface of that type; "
                + "every interface of a grain type must declare the same [PartitionWith].");
        }
    }

    /// <summary>The grain whose partition <paramref name="grain"/> takes: its anchor, or itself.</summary>
    public static GrainId PlacementOf(GrainId grain) =>
        ByAlias.TryGetValue(grain.Type, out var rule) && rule is not null
            ? new GrainId(rule.AnchorType, rule.Key?.AnchorOf(grain.Key) ?? grain.Key)
            : grain;

    private static Rule? Read(Type interfaceType, string alias)
    {
        if (interfaceType.GetCustomAttribute<PartitionWithAttribute>() is not { } with)
        {
            return null;
        }

        var where = $"{interfaceType.Name} [PartitionWith]";
        if (!GrainInterfaceMetadata.IsGrainInterface(with.AnchorInterface))
        {
            throw new GrainCallException($"{where}: the anchor {with.AnchorInterface.Name} is not a grain interface.");
        }

        var anchorType = GrainInterfaceMetadata.GrainTypeOf(with.AnchorInterface);
        if (anchorType == alias)
        {
            throw new GrainCallException($"{where}: a grain type cannot be placed with itself.");
        }

        if (with.AnchorInterface.IsDefined(typeof(PartitionWithAttribute), inherit: false))
        {
            throw new GrainCallException($"{where}: the anchor {with.AnchorInterface.Name} is itself placed with another grain; anchors do not chain.");
        }

        IPartitionAnchorKey? key = null;
        if (with.AnchorKey is { } keyType)
        {
            if (!typeof(IPartitionAnchorKey).IsAssignableFrom(keyType) || keyType.IsAbstract || keyType.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new GrainCallException($"{where}: {keyType.Name} must implement IPartitionAnchorKey and have a public parameterless constructor.");
            }

            try
            {
                key = (IPartitionAnchorKey)Activator.CreateInstance(keyType)!;
            }
            catch (TargetInvocationException ex)
            {
                throw new GrainCallException($"{where}: {keyType.Name}'s constructor failed: {ex.InnerException?.Message ?? ex.Message}", ex);
            }
        }

        return new Rule(anchorType, with.AnchorKey, key);
    }

    private static string Describe(Rule? rule) =>
        rule is null ? "by its own key" : $"with '{rule.AnchorType}'" + (rule.KeyType is null ? string.Empty : $" (key by {rule.KeyType.Name})");

    /// <summary>Equal when the anchor type and the key's class are (the instance is not part of the rule).</summary>
    private sealed record Rule(string AnchorType, Type? KeyType, IPartitionAnchorKey? Key)
    {
        public bool Equals(Rule? other) => other is not null && AnchorType == other.AnchorType && KeyType == other.KeyType;

        public override int GetHashCode() => HashCode.Combine(AnchorType, KeyType);
    }
}
