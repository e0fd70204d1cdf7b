using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;

namespace Reev.Cluster.TestKit;

/// <summary>
/// The in-memory provider's reminder table, for tests of what a grain does when one of its reminders never comes (its
/// message was dead-lettered) or comes late (its partition was taken over late): remove or postpone it by hand.
/// </summary>
public static class InMemoryReminderHooks
{
    /// <summary>When the reminder <paramref name="name"/> of a grain is due, or null when it is not registered.</summary>
    public static DateTimeOffset? ReminderDueAt(this InMemoryClusterProvider provider, string grainType, string grainKey, string name) =>
        Find(provider, new GrainId(grainType, grainKey), name)?.DueAt;

    /// <summary>The names of a grain's registered reminders.</summary>
    public static IReadOnlyList<string> ReminderNames(this InMemoryClusterProvider provider, string grainType, string grainKey)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var grain = new GrainId(grainType, grainKey);
        lock (provider.Database.Lock)
        {
            return [.. All(provider).Where(r => r.Grain == grain).Select(r => r.Name)];
        }
    }

    /// <summary>Removes a reminder as if its firing had been lost; false when it was not registered.</summary>
    public static bool RemoveReminder(this InMemoryClusterProvider provider, string grainType, string grainKey, string name)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var grain = new GrainId(grainType, grainKey);
        lock (provider.Database.Lock)
        {
            if (Find(provider, grain, name) is null)
            {
                return false;
            }

            provider.Database.Reminders.Remove(grain, name);
            return true;
        }
    }

    /// <summary>Moves a reminder to <paramref name="dueAt"/> as if it fired late; false when it was not registered.</summary>
    public static bool PostponeReminder(this InMemoryClusterProvider provider, string grainType, string grainKey, string name, DateTimeOffset dueAt)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var grain = new GrainId(grainType, grainKey);
        lock (provider.Database.Lock)
        {
            if (Find(provider, grain, name) is not { } entry)
            {
                return false;
            }

            provider.Database.Reminders.Set(grain, name, entry.Partition, dueAt, entry.Period);
            return true;
        }
    }

    private static InMemoryReminders.Entry? Find(InMemoryClusterProvider provider, GrainId grain, string name)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (provider.Database.Lock)
        {
            foreach (var (g, n, entry) in All(provider))
            {
                if (g == grain && n == name)
                {
                    return entry;
                }
            }

            return null;
        }
    }

    private static List<(GrainId Grain, string Name, InMemoryReminders.Entry Entry)> All(InMemoryClusterProvider provider) =>
        provider.Database.Reminders.Due(DateTimeOffset.MaxValue, static _ => true, int.MaxValue);
}
