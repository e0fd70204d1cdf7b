using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

/// <summary>
/// Messages whose attempts end without a known outcome (DESIGN R4: a message that keeps failing never blocks its grain).
/// A commit whose connection fails is in doubt: it may have committed, so its turns run again uncounted, and a turn that
/// did commit finds its message consumed. But a turn whose commit fails that way every time (a commit that makes the
/// server drop the connection, a defect in the commit path) would run for ever: each turn of a batch that ended in doubt
/// commits alone afterwards, so that it takes no other turn with it again, and after
/// <see cref="UnknownOutcomesForgiven"/> unknown outcomes in a row, each further one counts as a failed attempt of its
/// message, which ends as a dead letter after <see cref="SiloOptions.MaxAttempts"/>. Attempts that could not run for the
/// database's reasons (a failed state read, a commit rolled back by a deadlock or a server short of connections) are not
/// counted at all: the message runs again after a pause that doubles up to <see cref="MaxRetryPause"/>.
/// </summary>
public sealed partial class Silo
{
    /// <summary>
    /// Unknown commit outcomes in a row that cost a message nothing. Three: a connection lost at COMMIT is rare, so two in
    /// a row on one message already point at the message, and with the default five attempts a message whose commit can
    /// never succeed runs eight times before it is dead-lettered.
    /// </summary>
    internal const int UnknownOutcomesForgiven = 3;

    /// <summary>Longest pause before an attempt that could not run for the database's reasons is tried again.</summary>
    internal static readonly TimeSpan MaxRetryPause = TimeSpan.FromSeconds(5);

    /// <summary>How long the record of a message's trouble is kept without news of it (it was consumed elsewhere, or moved).</summary>
    private static readonly TimeSpan TroubleMemory = TimeSpan.FromMinutes(10);

    private readonly Dictionary<long, MessageTrouble> _troubled = [];
    private int _troubledCount;
    private long _troublePrunedTicks;

    /// <summary>Whether the message's last commit ended without an answer.</summary>
    private bool IsInDoubtOutcome(long messageId)
    {
        if (Volatile.Read(ref _troubledCount) == 0)
        {
            return false;
        }

        lock (_troubled)
        {
            return _troubled.TryGetValue(messageId, out var trouble) && trouble.Unknown > 0;
        }
    }

    private void NoteUnknownOutcome(IEnumerable<PendingCommit> items, Exception error)
    {
        foreach (var item in items)
        {
            NoteUnknownOutcome(item.Turn.MessageId, error);
        }
    }

    private void NoteUnknownOutcome(long messageId, Exception error)
    {
        if (messageId == 0)
        {
            return;
        }

        lock (_troubled)
        {
            var trouble = Trouble(messageId);
            trouble.Unknown++;
            trouble.LastError = $"{error.GetType().Name}: {error.Message}";
        }
    }

    /// <summary>
    /// When the message's unknown outcomes in a row exceed <see cref="UnknownOutcomesForgiven"/> by more than it was charged
    /// for already: the error of one more failed attempt, which the caller records. Null otherwise.
    /// </summary>
    private string? TakeUnknownOutcomeCharge(long messageId)
    {
        if (Volatile.Read(ref _troubledCount) == 0)
        {
            return null;
        }

        lock (_troubled)
        {
            if (!_troubled.TryGetValue(messageId, out var trouble) || trouble.Unknown <= UnknownOutcomesForgiven + trouble.Charged)
            {
                return null;
            }

            trouble.Charged++;
            return $"the commits of its last {trouble.Unknown} attempts ended without an answer (a connection lost during the commit, " +
                $"or a failure of the commit path); after {UnknownOutcomesForgiven} in a row each counts as a failed attempt. Last: {trouble.LastError}";
        }
    }

    /// <summary>The pause before the message runs again after an attempt that could not run for the database's reasons.</summary>
    private TimeSpan NextRetryPause(long messageId)
    {
        int retries;
        lock (_troubled)
        {
            retries = ++Trouble(messageId).Retries;
        }

        var pause = Options.RetryBackoff * Math.Pow(2, Math.Min(retries - 1, 10));
        return pause < MaxRetryPause ? pause : MaxRetryPause;
    }

    /// <summary>The message reached an outcome (committed, consumed elsewhere, or moved to another silo).</summary>
    private void ForgetTrouble(long messageId)
    {
        if (Volatile.Read(ref _troubledCount) == 0)
        {
            return;
        }

        lock (_troubled)
        {
            _troubled.Remove(messageId);
            Volatile.Write(ref _troubledCount, _troubled.Count);
        }
    }

    /// <summary>Called under the <see cref="_troubled"/> lock.</summary>
    private MessageTrouble Trouble(long messageId)
    {
        var now = TimeProvider.GetTimestamp();
        if (TimeProvider.GetElapsedTime(_troublePrunedTicks, now) > TroubleMemory)
        {
            // A message that ended in doubt and had committed never comes back to say so: forget the old records.
            _troublePrunedTicks = now;
            foreach (var id in _troubled.Where(kv => TimeProvider.GetElapsedTime(kv.Value.Ticks, now) > TroubleMemory).Select(kv => kv.Key).ToList())
            {
                _troubled.Remove(id);
            }
        }

        if (!_troubled.TryGetValue(messageId, out var trouble))
        {
            _troubled[messageId] = trouble = new MessageTrouble();
        }

        trouble.Ticks = now;
        Volatile.Write(ref _troubledCount, _troubled.Count);
        return trouble;
    }

    private sealed class MessageTrouble
    {
        /// <summary>Commits of the message's attempts that ended without an answer, in a row.</summary>
        public int Unknown { get; set; }

        /// <summary>How many of those were counted as failed attempts.</summary>
        public int Charged { get; set; }

        /// <summary>Attempts that could not run for the database's reasons, in a row.</summary>
        public int Retries { get; set; }

        public string? LastError { get; set; }

        public long Ticks { get; set; }
    }

    /// <summary>A grain's state could not be read for the database's reasons: the attempt did not run.</summary>
    private sealed class StateUnavailableException(GrainId grain, Exception inner)
        : Exception($"The state of {grain} could not be read: {inner.Message}", inner);
}
