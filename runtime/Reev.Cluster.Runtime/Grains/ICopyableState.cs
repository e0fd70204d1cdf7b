namespace Reev.Cluster.Runtime;

/// <summary>
/// A grain state that can copy itself. The in-memory provider then keeps a copy of the state as each turn committed it,
/// instead of its JSON (ADR 0016): the snapshot a failed turn starts again from, and an activation elsewhere in the process
/// reads. The PostgreSQL provider writes the JSON as always and never calls this.
/// </summary>
/// <typeparam name="TState">The state type itself.</typeparam>
public interface ICopyableState<out TState>
    where TState : class
{
    /// <summary>
    /// A copy that reads back as this state's JSON would, and shares with it no object that a later turn could change:
    /// collections and mutable members are copied, immutable values (strings, records nobody changes) may be shared.
    /// With <see cref="SiloOptions.VerifyJson"/> the runtime checks every copy against the state's JSON.
    /// </summary>
    TState DeepCopy();
}
