using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Reev.Cluster.Runtime.Messaging;

namespace Reev.Cluster.Runtime.Engine;

/// <summary>A grain class registered with a silo, and how to call its methods.</summary>
internal sealed class GrainClassInfo
{
    private readonly Dictionary<string, GrainMethod> _methods;
    private readonly ObjectFactory _factory;

    public GrainClassInfo(Type grainClass, Type interfaceType)
    {
        GrainClass = grainClass;
        Interface = GrainInterfaceMetadata.For(interfaceType);
        _methods = new Dictionary<string, GrainMethod>(Interface.ByWireName, StringComparer.Ordinal);
        StateType = FindStateType(grainClass);
        if (StateType is not null)
        {
            // Compiled once per grain class: state is read and set on every turn's commit and every activation.
            var baseType = typeof(Grain<>).MakeGenericType(StateType);
            var grain = Expression.Parameter(typeof(object), "grain");
            var typed = Expression.Convert(grain, baseType);
            GetState = Expression.Lambda<Func<object, object?>>(
                Expression.Call(typed, baseType.GetMethod("GetStateObject", BindingFlags.Instance | BindingFlags.NonPublic)!), grain).Compile();
            var state = Expression.Parameter(typeof(object), "state");
            var version = Expression.Parameter(typeof(long), "version");
            SetState = Expression.Lambda<Action<object, object?, long>>(
                Expression.Call(typed, baseType.GetMethod("SetState", BindingFlags.Instance | BindingFlags.NonPublic)!, state, version), grain, state, version).Compile();
        }

        if (StateType is not null && typeof(ICopyableState<>).MakeGenericType(StateType).IsAssignableFrom(StateType))
        {
            var state = Expression.Parameter(typeof(object), "state");
            CopyState = Expression.Lambda<Func<object, object>>(
                Expression.Call(Expression.Convert(state, StateType), StateType.GetInterfaceMap(typeof(ICopyableState<>).MakeGenericType(StateType)).TargetMethods[0]),
                state).Compile();
        }

        _factory = ActivatorUtilities.CreateFactory(grainClass, Type.EmptyTypes);
    }


    public Type GrainClass { get; }

    public GrainInterfaceMetadata Interface { get; }

    public string GrainType => Interface.GrainType;

    public Type? StateType { get; }

    public Func<object, object?>? GetState { get; }

    public Action<object, object?, long>? SetState { get; }

    /// <summary>The state's <see cref="ICopyableState{TState}.DeepCopy"/>, when its type copies itself.</summary>
    public Func<object, object>? CopyState { get; }

    /// <summary>A new instance of the grain class with its services (a factory compiled once, not a reflection lookup per activation).</summary>
    public Grain Create(IServiceProvider services) => (Grain)_factory(services, null);

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
