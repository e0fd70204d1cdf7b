namespace Reev.Cluster.Runtime;

/// <summary>
/// Places every grain of the marked interface's type in the partition of another grain, its anchor, so that the two
/// live on one silo and their messages to each other are dispatched in process (DESIGN R6) instead of crossing silos.
/// The anchor is the grain of <see cref="AnchorInterface"/> whose key <see cref="AnchorKey"/> derives from this grain's
/// key (the same key when none is given). The mapping stays a pure function of the grain's type and key, the same in
/// every process that loads the interface (ADR 0015); the anchor's own type must not be placed with another.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class PartitionWithAttribute(Type anchorInterface, Type? anchorKey = null) : Attribute
{
    /// <summary>The grain interface of the anchor.</summary>
    public Type AnchorInterface { get; } = anchorInterface;

    /// <summary>A class with a public parameterless constructor implementing <see cref="IPartitionAnchorKey"/>, or null for the same key.</summary>
    public Type? AnchorKey { get; } = anchorKey;
}

/// <summary>Derives the key of a grain's anchor from the grain's key (<see cref="PartitionWithAttribute"/>).</summary>
public interface IPartitionAnchorKey
{
    /// <summary>The anchor's key. Must be deterministic and total: any key, even one the grain never uses, maps to some key.</summary>
    string AnchorOf(string key);
}
