namespace Reev.Cluster.Runtime.Storage;

/// <summary>A message to enqueue (becomes a <see cref="StoredMessage"/> once committed).</summary>
internal sealed record OutboundMessage(
    int Partition,
    string GrainType,
    string GrainKey,
    string Method,
    MessageKind Kind,
    byte[] Payload,
    string? ReplyTo,
    string? TraceParent)
{
    public StoredMessage ToStored(long id) =>
        new(id, Partition, GrainType, GrainKey, Method, Kind, Payload, ReplyTo, 0, TraceParent);
}
