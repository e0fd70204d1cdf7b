using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Engine;

/// <summary>
/// What the current turn has done so far; flows with the turn's async calls. Its effects commit
/// together when the grain method returns (DESIGN R4).
/// </summary>
internal sealed class TurnContext
{
    private static readonly AsyncLocal<TurnContext?> CurrentSlot = new();

    public TurnContext(Activation activation, StoredMessage message)
    {
        Activation = activation;
        Message = message;
    }

    public static TurnContext? Current
    {
        get => CurrentSlot.Value;
        set => CurrentSlot.Value = value;
    }

    public Activation Activation { get; }

    public StoredMessage Message { get; }

    public bool StateDirty { get; set; }

    public bool DeactivateAfterTurn { get; set; }

    /// <summary>
    /// The turn passed its timeout and was given up (ADR 0014): its grain code may still run, but nothing it does belongs
    /// to any turn any more. Set by the worker, read by that code's continuations on other threads.
    /// </summary>
    public bool Abandoned
    {
        get => Volatile.Read(ref _abandoned);
        set => Volatile.Write(ref _abandoned, value);
    }

    private bool _abandoned;

    public List<OutboundMessage> Sends { get; } = [];

    public Dictionary<string, ReminderChange> Reminders { get; } = new(StringComparer.Ordinal);

    public List<object> Projections { get; } = [];

    public static TurnContext RequireCurrent(Grain grain)
    {
        var current = Current;
        if (current is null || !ReferenceEquals(current.Activation.Instance, grain))
        {
            throw current?.Abandoned == true
                ? AbandonedError(current)
                : new InvalidOperationException("This grain operation is only valid on the grain's own turn (inside one of its methods).");
        }

        current.ThrowIfAbandoned();
        return current;
    }

    /// <summary>Refuses what the code of an abandoned turn still tries to do: it would commit with no turn.</summary>
    public void ThrowIfAbandoned()
    {
        if (Abandoned)
        {
            throw AbandonedError(this);
        }
    }

    private static OperationCanceledException AbandonedError(TurnContext turn) =>
        new($"The turn of {turn.Activation.Id}.{turn.Message.Method} was abandoned at its timeout: nothing it does any more is committed.");

    public void RegisterReminder(string name, DateTimeOffset dueAt, TimeSpan? period) =>
        Reminders[name] = new ReminderChange(name, dueAt, period);

    public void UnregisterReminder(string name) => Reminders[name] = new ReminderChange(name, null, null);

    public void Project(object projection) => Projections.Add(projection);
}
