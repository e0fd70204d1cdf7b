namespace Reev.Cluster.Runtime;

/// <summary>A grain call that cannot be made: bad interface, argument, key or calling context.</summary>
public sealed class GrainCallException(string message, Exception? innerException = null)
    : ReevClusterException(message, innerException);
