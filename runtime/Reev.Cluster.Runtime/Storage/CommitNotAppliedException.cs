namespace Reev.Cluster.Runtime.Storage;

/// <summary>
/// The store rolled a batch back, or never sent it, for a reason that is not what the batch holds: a serialization
/// failure or a deadlock, a server short of connections or shutting down, a connection that could not be opened, a
/// state version conflict. Nothing of the batch was written, and the same turns may well commit on the next try: they
/// run again without counting an attempt (<see cref="CommitStatus.Retry"/>).
/// </summary>
internal sealed class CommitNotAppliedException(string message, Exception? innerException = null)
    : Exception(message, innerException);
