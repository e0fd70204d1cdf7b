namespace Reev.Cluster.Runtime.Storage;

/// <summary>
/// A durable message row as fetched from the inbox; the payload is UTF-8 JSON, or null in the in-memory provider for a
/// message whose arguments are all immutable (then <see cref="LocalArguments"/> holds them, ADR 0016).
/// </summary>
internal sealed record StoredMessage(
    long Id,
    int Partition,
    string GrainType,
    string GrainKey,
    string Method,
    MessageKind Kind,
    byte[]? Payload,
    string? ReplyTo,
    int Attempts,
    string? TraceParent)
{
    public GrainId Grain => new(GrainType, GrainKey);

    /// <summary>
    /// Set on a message dispatched in the process that sent it, when its arguments are immutable: the turn runs with
    /// them instead of deserializing <see cref="Payload"/> (which is what a store of JSON holds). The in-memory store keeps
    /// them instead of a payload.
    /// </summary>
    public object?[]? LocalArguments { get; init; }
}
