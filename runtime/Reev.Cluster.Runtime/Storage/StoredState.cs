namespace Reev.Cluster.Runtime.Storage;

/// <summary>
/// A grain's committed state and its version (ETag): UTF-8 JSON, or in the in-memory provider a copy of a state that
/// copies itself (<see cref="ICopyableState{TState}"/>, ADR 0016), which nobody changes once stored.
/// </summary>
internal sealed record StoredState(byte[]? Utf8, long Version)
{
    public object? Copy { get; init; }
}
