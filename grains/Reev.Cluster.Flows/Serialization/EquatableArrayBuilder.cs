using System.Collections.Immutable;

namespace Reev.Cluster.Flows.Serialization;

/// <summary>Collection-expression builder of <see cref="EquatableArray{T}"/>.</summary>
public static class EquatableArrayBuilder
{
    public static EquatableArray<T> Create<T>(ReadOnlySpan<T> items) => new(ImmutableArray.Create(items));
}
