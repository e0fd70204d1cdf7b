namespace Reev.Cluster.Runtime.Tests.Grains;

public interface IReminderGrain : IGrain
{
    Task Schedule(string name, int dueMilliseconds, int periodMilliseconds);

    Task Cancel(string name);

    Task<ReminderState> Read();
}

public sealed class ReminderState
{
    public Dictionary<string, int> Ticks { get; set; } = [];

    public string? ScheduledBy { get; set; }

    public string? FiredBy { get; set; }

    public List<DateTimeOffset> FiredAt { get; set; } = [];
}

public sealed class ReminderGrain(SiloName? silo = null) : Grain<ReminderState>, IReminderGrain, IRemindable
{
    /// <summary>Registers a reminder; a period of 0 makes it one-shot.</summary>
    public Task Schedule(string name, int dueMilliseconds, int periodMilliseconds)
    {
        RegisterReminder(
            name,
            TimeSpan.FromMilliseconds(dueMilliseconds),
            periodMilliseconds > 0 ? TimeSpan.FromMilliseconds(periodMilliseconds) : null);
        State.ScheduledBy = silo?.Value;
        return WriteStateAsync();
    }

    public Task Cancel(string name)
    {
        UnregisterReminder(name);
        return Task.CompletedTask;
    }

    public Task<ReminderState> Read() => Task.FromResult(State);

    public Task ReceiveReminderAsync(string reminderName, ReminderTick tick, CancellationToken cancellationToken)
    {
        State.Ticks[reminderName] = State.Ticks.GetValueOrDefault(reminderName) + 1;
        State.FiredBy = silo?.Value;
        State.FiredAt.Add(TimeProvider.GetUtcNow());
        return WriteStateAsync();
    }
}
