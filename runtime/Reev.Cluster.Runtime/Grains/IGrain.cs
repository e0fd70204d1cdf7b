namespace Reev.Cluster.Runtime;

/// <summary>
/// Marker for grain interfaces. A grain is identified by its type alias and a string key.
/// Methods returning <see cref="Task"/> are one-way durable sends; methods returning
/// <see cref="Task{TResult}"/> are asks that only external clients may await (DESIGN R5).
/// A trailing <see cref="CancellationToken"/> parameter is supplied by the runtime, never sent.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1040:Avoid empty interfaces", Justification = "Marker interface, Orleans-shaped public surface.")]
public interface IGrain;
