namespace Reev.Cluster.Runtime.Storage;

/// <summary>A reminder registration (DueAt set) or cancellation (DueAt null) made by a turn.</summary>
internal sealed record ReminderChange(string Name, DateTimeOffset? DueAt, TimeSpan? Period);
