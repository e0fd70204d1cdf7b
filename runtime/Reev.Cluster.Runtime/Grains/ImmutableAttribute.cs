namespace Reev.Cluster.Runtime;

/// <summary>
/// Marks a message type whose instances never change once built, nor does anything they reference (records with
/// init-only members, immutable collections, or collections nobody keeps a mutable reference to). A message to a
/// grain in the same process whose arguments are all of such types (or strings, numbers, enums, dates) hands the
/// receiving turn the sender's instances instead of a copy read back from the stored JSON; the stored JSON stays the
/// message of record, read whenever the message runs anywhere else or again after a restart (ADR 0008).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class ImmutableAttribute : Attribute
{
}
