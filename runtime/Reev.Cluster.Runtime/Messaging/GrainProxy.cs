using System.Collections.Concurrent;
using System.Reflection;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>Runtime-generated grain reference: turns interface calls into durable messages.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1852", Justification = "DispatchProxy requires a non-sealed proxy type.")]
internal class GrainProxy : DispatchProxy
{
    private static readonly ConcurrentDictionary<Type, Func<GrainProxy, GrainMethod, object?[]?, object>> AskInvokers = new();
    private static readonly MethodInfo AskGeneric =
        typeof(GrainProxy).GetMethod(nameof(AskTypedAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    // One generated proxy per interface, cloned for each reference: DispatchProxy.Create instantiates through
    // reflection (Activator) on every call, which showed in profiles of the flows (a reference per step sent).
    private static readonly ConcurrentDictionary<Type, GrainProxy> Prototypes = new();

    private GrainId _grain;
    private GrainInterfaceMetadata _metadata = null!;
    private GrainCallRouter _router = null!;

    public static T Create<T>(GrainId grain, GrainInterfaceMetadata metadata, GrainCallRouter router)
        where T : IGrain
    {
        var prototype = Prototypes.GetOrAdd(typeof(T), static _ => (GrainProxy)(object)Create<T, GrainProxy>());
        var proxy = (GrainProxy)prototype.MemberwiseClone();
        proxy._grain = grain;
        proxy._metadata = metadata;
        proxy._router = router;
        return (T)(object)proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (!_metadata.ByMethod.TryGetValue(targetMethod, out var method))
        {
            if (targetMethod.Name == nameof(ToString))
            {
                return _grain.ToString();
            }

            throw new GrainCallException($"{targetMethod.Name} is not a method of grain interface {_metadata.InterfaceType.Name}.");
        }

        if (!method.IsAsk)
        {
            return _router.SendAsync(_grain, method, args, CancellationTokenOf(method, args));
        }

        var invoker = AskInvokers.GetOrAdd(method.ResultType!, static t =>
            AskGeneric.MakeGenericMethod(t).CreateDelegate<Func<GrainProxy, GrainMethod, object?[]?, object>>());
        return invoker(this, method, args);
    }

    private static CancellationToken CancellationTokenOf(GrainMethod method, object?[]? args) =>
        method.CancellationTokenIndex >= 0 && args?[method.CancellationTokenIndex] is CancellationToken ct ? ct : default;

    private static Task<T> AskTypedAsync<T>(GrainProxy proxy, GrainMethod method, object?[]? args) =>
        proxy._router.AskAsync<T>(proxy._grain, method, args, CancellationTokenOf(method, args));
}
