using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Engine;

namespace Reev.Cluster.Runtime;

/// <summary>Grain classes a silo can activate, by grain type alias.</summary>
public sealed class GrainRegistry
{
    private readonly Dictionary<string, GrainClassInfo> _byType = new(StringComparer.Ordinal);

    internal IReadOnlyDictionary<string, GrainClassInfo> ByType => _byType;

    /// <summary>Registers a grain class under the grain interface it implements.</summary>
    public GrainRegistry Add<TInterface, TGrain>()
        where TInterface : IGrain
        where TGrain : Grain, TInterface
    {
        Add(typeof(TGrain), typeof(TInterface));
        return this;
    }

    /// <summary>Registers every concrete grain class of an assembly under each grain interface it implements.</summary>
    public GrainRegistry AddAssembly(System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var type in assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && typeof(Grain).IsAssignableFrom(t)))
        {
            foreach (var iface in type.GetInterfaces().Where(i => i != typeof(IGrain) && typeof(IGrain).IsAssignableFrom(i)))
            {
                Add(type, iface);
            }
        }

        return this;
    }

    private void Add(Type grainClass, Type interfaceType)
    {
        var grainType = GrainInterfaceMetadata.GrainTypeOf(interfaceType);
        if (_byType.TryGetValue(grainType, out var existing))
        {
            if (existing.GrainClass != grainClass)
            {
                throw new GrainCallException(
                    $"Grain type '{grainType}' is implemented by both {existing.GrainClass.Name} and {grainClass.Name}.");
            }

            existing.Merge(interfaceType);
            return;
        }

        _byType[grainType] = new GrainClassInfo(grainClass, interfaceType);
    }
}
