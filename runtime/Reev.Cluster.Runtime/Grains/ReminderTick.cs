namespace Reev.Cluster.Runtime;

/// <summary>What a reminder delivery carries: when it was due, and its period if periodic.</summary>
public sealed record ReminderTick(DateTimeOffset DueAt, TimeSpan? Period);
