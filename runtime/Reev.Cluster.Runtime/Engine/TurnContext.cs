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

    public List<OutboundMessage> Sends { get; } = [];

    public Dictionary<string, ReminderChange> Reminders { get; } = new(StringComparer.Ordinal);

    public List<object> Projections { get; } = [];

    public static TurnContext RequireCurrent(Grain grain)
    {
        var current = Current;
        if (current is null || !ReferenceEquals(current.Activation.Instance, grain))
        {
            throw new InvalidOperationException(
                "This grain operation is only valid on the grain's own turn (inside one of its methods).");
        }

        return current;
    }

    public void RegisterReminder(string name, DateTimeOffset dueAt, TimeSpan? period) =>
        Reminders[name] = new ReminderChange(name, dueAt, period);

    public void UnregisterReminder(string name) => Reminders[name] = new ReminderChange(name, null, null);

    public void Project(object projection) => Projections.Add(projection);
}
