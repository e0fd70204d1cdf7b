using System.Reflection;
using Reev.Cluster.Runtime.Messaging;

namespace Reev.Cluster.Runtime.Engine;

/// <summary>A grain class registered with a silo, and how to call its methods.</summary>
internal sealed class GrainClassInfo
{
    private readonly Dictionary<string, GrainMethod> _methods;

    public GrainClassInfo(Type grainClass, Type interfaceType)
    {
        GrainClass = grainClass;
        Interface = GrainInterfaceMetadata.For(interfaceType);
        _methods = new Dictionary<string, GrainMethod>(Interface.ByWireName, StringComparer.Ordinal);
        StateType = FindStateType(grainClass);
        if (StateType is not null)
        {
            var baseType = typeof(Grain<>).MakeGenericType(StateType);
            GetState = baseType.GetMethod("GetStateObject", BindingFlags.Instance | BindingFlags.NonPublic)!;
            SetState = baseType.GetMethod("SetState", BindingFlags.Instance | BindingFlags.NonPublic)!;
        }
    }

    public Type GrainClass { get; }

    public GrainInterfaceMetadata Interface { get; }

    public string GrainType => Interface.GrainType;

    public Type? StateType { get; }

    public MethodInfo? GetState { get; }

    public MethodInfo? SetState { get; }

    public bool TryGetMethod(string wireName, out GrainMethod method) => _methods.TryGetValue(wireName, out method!);

    /// <summary>Adds the methods of another interface of the same grain type (a grain may expose several).</summary>
    public void Merge(Type interfaceType)
    {
        foreach (var (name, method) in GrainInterfaceMetadata.For(interfaceType).ByWireName)
        {
            if (_methods.TryGetValue(name, out var existing) && existing.Method != method.Method)
            {
                throw new GrainCallException(
                    $"Grain type '{GrainType}': method '{name}' is declared by both {existing.Method.DeclaringType?.Name} and {method.Method.DeclaringType?.Name}.");
            }

            _methods[name] = method;
        }
    }

    private static Type? FindStateType(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Grain<>))
            {
                return t.GetGenericArguments()[0];
            }
        }

        return null;
    }
}
