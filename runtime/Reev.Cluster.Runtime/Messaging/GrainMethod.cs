using System.Reflection;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>A grain interface method as the wire sees it.</summary>
internal sealed class GrainMethod
{
    public required MethodInfo Method { get; init; }

    public required string WireName { get; init; }

    /// <summary>Types of the sent arguments (the CancellationToken, if any, is not sent).</summary>
    public required Type[] ArgumentTypes { get; init; }

    /// <summary>Index of the CancellationToken parameter, or -1.</summary>
    public required int CancellationTokenIndex { get; init; }

    /// <summary>Null for one-way methods (returning Task); the T of Task&lt;T&gt; for asks.</summary>
    public required Type? ResultType { get; init; }

    public bool IsAsk => ResultType is not null;
}
