namespace Reev.Cluster.Runtime;

/// <summary>
/// A query-side row (DESIGN R8) that a turn writes with <c>Project</c>; committed in the same
/// transaction as the state it mirrors. Each provider knows how to store each row type.
/// </summary>
public interface IReadModelRow
{
    /// <summary>Logical table name, e.g. "executions".</summary>
    string Table { get; }

    /// <summary>Primary key within the table.</summary>
    string Key { get; }
}
