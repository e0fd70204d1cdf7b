namespace Reev.Cluster.Runtime;

/// <summary>Implemented by grains that register reminders; called on the grain's turn.</summary>
public interface IRemindable
{
    Task ReceiveReminderAsync(string reminderName, ReminderTick tick, CancellationToken cancellationToken);
}
