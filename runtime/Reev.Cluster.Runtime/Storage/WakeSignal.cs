namespace Reev.Cluster.Runtime.Storage;

/// <summary>What a wake hint is about. The tables are the truth; a hint only shortens a poll.</summary>
internal enum WakeSignal
{
    Messages,
    Membership,
    Replies,
}
