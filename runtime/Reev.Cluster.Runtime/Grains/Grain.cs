using Reev.Cluster.Runtime.Engine;

namespace Reev.Cluster.Runtime;

/// <summary>
/// Base class of grains. A grain handles one message at a time; everything a turn does
/// (state write, sends, reminder changes, reply, projections) commits in one transaction
/// together with the consumption of the message (DESIGN R4).
/// </summary>
public abstract class Grain
{
    private GrainActivationContext? _context;

    /// <summary>The grain's string key.</summary>
    protected string GrainKey => Context.Id.Key;

    /// <summary>The grain's identity.</summary>
    protected GrainId GrainId => Context.Id;

    /// <summary>Factory whose sends, inside a turn, commit with the turn.</summary>
    protected IGrainFactory GrainFactory => Context.GrainFactory;

    /// <summary>The silo's clock.</summary>
    protected TimeProvider TimeProvider => Context.TimeProvider;

    internal GrainActivationContext Context =>
        _context ?? throw new InvalidOperationException("The grain is not activated by a silo.");

    internal void Attach(GrainActivationContext context) => _context = context;

    /// <summary>
    /// Called at the start of the first turn of an activation, as part of that turn: its sends, reminder changes and
    /// state writes commit atomically with the turn. When the turn fails, none of them is committed, the instance is
    /// discarded, and the retry runs this again on a fresh instance.
    /// </summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called when an idle activation is collected or its silo stops gracefully.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Registers (or replaces) a reminder; committed with the current turn.</summary>
    protected void RegisterReminder(string name, TimeSpan dueTime, TimeSpan? period = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "A reminder's due time must not be negative.");
        }

        if (period is { } p && p < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A reminder's period must be positive.");
        }

        TurnContext.RequireCurrent(this).RegisterReminder(name, TimeProvider.GetUtcNow() + dueTime, period);
    }

    /// <summary>Cancels a reminder; committed with the current turn.</summary>
    protected void UnregisterReminder(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        TurnContext.RequireCurrent(this).UnregisterReminder(name);
    }

    /// <summary>Adds a read-model row to the current turn's commit (DESIGN R8).</summary>
    protected void Project(object projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        if (projection is not IReadModelRow)
        {
            // Refused in the turn, where it fails the attempt, rather than at the commit, where no provider could store it.
            throw new ArgumentException($"{projection.GetType().Name} is not a read-model row: a projection implements IReadModelRow.", nameof(projection));
        }

        TurnContext.RequireCurrent(this).Project(projection);
    }

    /// <summary>Asks the runtime to deactivate this grain after the current turn.</summary>
    protected void DeactivateOnIdle() => TurnContext.RequireCurrent(this).DeactivateAfterTurn = true;
}
