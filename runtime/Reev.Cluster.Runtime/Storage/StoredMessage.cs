namespace Reev.Cluster.Runtime.Storage;

/// <summary>A durable message row as fetched from the inbox.</summary>
internal sealed record StoredMessage(
    long Id,
    int Partition,
    string GrainType,
    string GrainKey,
    string Method,
    MessageKind Kind,
    string Payload,
    string? ReplyTo,
    int Attempts,
    string? TraceParent)
{
    public GrainId Grain => new(GrainType, GrainKey);
}
