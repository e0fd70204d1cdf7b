namespace Reev.Cluster.Runtime.Storage;

/// <summary>
/// A message to enqueue (becomes a <see cref="StoredMessage"/> once committed). <see cref="Payload"/> is its arguments'
/// JSON; null only for a store that keeps objects (<see cref="IRuntimeStore.KeepsObjects"/>, ADR 0016) when the arguments
/// are all immutable: <see cref="LocalArguments"/> is then the message.
/// </summary>
internal sealed record OutboundMessage(
    int Partition,
    string GrainType,
    string GrainKey,
    string Method,
    MessageKind Kind,
    byte[]? Payload,
    string? ReplyTo,
    string? TraceParent)
{
    /// <summary>
    /// The sender's argument instances, when they are all immutable (<see cref="GrainMethod.SharesArguments"/>). Stored
    /// only when there is no payload (the in-memory provider); a store of JSON keeps the payload alone.
    /// </summary>
    public object?[]? LocalArguments { get; init; }

    /// <summary>The committed message as a store keeps it: the payload, or the instances when there is none.</summary>
    public StoredMessage ToStored(long id) => Committed(id, Payload is null ? LocalArguments : null);

    /// <summary>The committed message as handed to a turn in this process: with the sender's immutable arguments, if any.</summary>
    public StoredMessage ToDispatched(long id) => Committed(id, LocalArguments);

    // One record per message: the dispatched form is built directly, not as a copy of the stored one.
    private StoredMessage Committed(long id, object?[]? localArguments) =>
        new(id, Partition, GrainType, GrainKey, Method, Kind, Payload, ReplyTo, 0, TraceParent) { LocalArguments = localArguments };
}
