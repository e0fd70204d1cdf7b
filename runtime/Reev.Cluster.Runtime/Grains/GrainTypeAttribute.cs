namespace Reev.Cluster.Runtime;

/// <summary>The stable wire alias of a grain interface (stored in message and state rows).</summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
