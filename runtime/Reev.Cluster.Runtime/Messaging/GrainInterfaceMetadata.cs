using System.Collections.Concurrent;
using System.Reflection;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>Validated shape of a grain interface: its wire alias and methods.</summary>
internal sealed class GrainInterfaceMetadata
{
    private static readonly ConcurrentDictionary<Type, GrainInterfaceMetadata> Cache = new();

    private GrainInterfaceMetadata(Type interfaceType, string grainType, Dictionary<MethodInfo, GrainMethod> methods)
    {
        InterfaceType = interfaceType;
        GrainType = grainType;
        ByMethod = methods;
        ByWireName = methods.Values.ToDictionary(m => m.WireName, StringComparer.Ordinal);
    }

    public Type InterfaceType { get; }

    public string GrainType { get; }

    public IReadOnlyDictionary<MethodInfo, GrainMethod> ByMethod { get; }

    public IReadOnlyDictionary<string, GrainMethod> ByWireName { get; }

    public static GrainInterfaceMetadata For(Type interfaceType) => Cache.GetOrAdd(interfaceType, Build);

    public static string GrainTypeOf(Type interfaceType) =>
        interfaceType.GetCustomAttribute<GrainTypeAttribute>()?.Name
        ?? (interfaceType.Name.StartsWith('I') ? interfaceType.Name[1..] : interfaceType.Name);

    /// <summary>An interface deriving from <see cref="IGrain"/> (not IGrain itself).</summary>
    public static bool IsGrainInterface(Type type) => type.IsInterface && typeof(IGrain).IsAssignableFrom(type) && type != typeof(IGrain);

    private static GrainInterfaceMetadata Build(Type interfaceType)
    {
        if (!IsGrainInterface(interfaceType))
        {
            throw new GrainCallException($"{interfaceType.FullName} is not a grain interface (an interface deriving from IGrain).");
        }

        var methods = new Dictionary<MethodInfo, GrainMethod>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var all = new[] { interfaceType }.Concat(interfaceType.GetInterfaces()).Where(i => i != typeof(IGrain));
        foreach (var method in all.SelectMany(i => i.GetMethods()))
        {
            var where = $"{interfaceType.Name}.{method.Name}";
            if (!names.Add(method.Name))
            {
                throw new GrainCallException($"{where}: overloaded grain methods are not supported; give each method its own name.");
            }

            Type? resultType;
            if (method.ReturnType == typeof(Task))
            {
                resultType = null;
            }
            else if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                resultType = method.ReturnType.GetGenericArguments()[0];
            }
            else
            {
                throw new GrainCallException($"{where}: grain methods must return Task (one-way) or Task<T> (ask), not {method.ReturnType.Name}.");
            }

            var parameters = method.GetParameters();
            var ctIndex = Array.FindIndex(parameters, p => p.ParameterType == typeof(CancellationToken));
            if (ctIndex >= 0 && ctIndex != parameters.Length - 1)
            {
                throw new GrainCallException($"{where}: the CancellationToken must be the last parameter.");
            }

            if (parameters.Any(p => p.ParameterType.IsByRef))
            {
                throw new GrainCallException($"{where}: ref and out parameters cannot cross the wire.");
            }

            methods[method] = new GrainMethod
            {
                Method = method,
                WireName = method.Name,
                ArgumentTypes = parameters.Where(p => p.ParameterType != typeof(CancellationToken)).Select(p => p.ParameterType).ToArray(),
                CancellationTokenIndex = ctIndex,
                ResultType = resultType,
            };
        }

        var grainType = GrainTypeOf(interfaceType);
        PartitionRules.Register(interfaceType, grainType);
        return new GrainInterfaceMetadata(interfaceType, grainType, methods);
    }
}
