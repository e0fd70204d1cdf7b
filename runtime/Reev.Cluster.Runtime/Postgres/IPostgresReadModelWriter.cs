using Npgsql;

namespace Reev.Cluster.Runtime.Postgres;

/// <summary>Stores one kind of read-model row in its own indexed table, inside the turn's transaction.</summary>
public interface IPostgresReadModelWriter
{
    /// <summary>The row type this writer stores.</summary>
    Type RowType { get; }

    /// <summary>Adds the commands that upsert <paramref name="rows"/> to the commit batch.</summary>
    void AddCommands(NpgsqlBatch batch, IReadOnlyList<IReadModelRow> rows);
}
