namespace Reev.Cluster.Runtime.Storage;

/// <summary>
/// The store refused a batch because of what it holds (a value the database cannot store, a constraint, a row too large,
/// a projection no writer takes), not because of the connection or a lease: nothing of the batch was written, and
/// committing the same turns again fails the same way. The silo finds the turn at fault by halving the batch and counts
/// it as a failed attempt, so that it ends as a dead letter instead of blocking its grain (DESIGN R4).
/// </summary>
internal sealed class CommitRejectedException(string message, Exception? innerException = null)
    : Exception(message, innerException);
