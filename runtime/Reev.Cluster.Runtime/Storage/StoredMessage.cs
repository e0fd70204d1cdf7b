namespace Reev.Cluster.Runtime.Storage;

/// <summary>A durable message row as fetched from the inbox; the payload is UTF-8 JSON.</summary>
internal sealed record StoredMessage(
    long Id,
    int Partition,
    string GrainType,
    string GrainKey,
    string Method,
    MessageKind Kind,
    byte[] Payload,
    string? ReplyTo,
    int Attempts,
    string? TraceParent)
{
    public GrainId Grain => new(GrainType, GrainKey);
}
