using Microsoft.Extensions.Logging;
using Npgsql;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Postgres;

/// <summary>The cluster provider on PostgreSQL: every distributed concern lives in the database.</summary>
public sealed class PostgresClusterProvider : ClusterProvider
{
    private readonly List<PostgresMigration> _migrations = [];
    private readonly Dictionary<Type, IPostgresReadModelWriter> _writers = [];

    /// <summary>
    /// The partition count a cluster's database was created with, or null when it holds no cluster yet (or cannot be
    /// reached: the start that follows says why). For processes that join a cluster they did not configure, such as
    /// the CLI, instead of assuming the default and being refused.
    /// </summary>
    public static async Task<int?> ReadPartitionCountAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand("SELECT partition_count FROM reev_cluster WHERE id = 1", connection);
            return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int count ? count : null;
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Validates the connection string at once; the connection itself is made at silo start.</summary>
    public PostgresClusterProvider(string connectionString, int maxPoolSize = 50)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ClusterConfigurationException(
                "The PostgreSQL connection string is missing (set Reev:Postgres:ConnectionString or pass --postgres).");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new ClusterConfigurationException("The PostgreSQL connection string names no Host.");
            }

            builder.MaxPoolSize = Math.Max(builder.MaxPoolSize == 100 ? maxPoolSize : builder.MaxPoolSize, 8);
            builder.NoResetOnClose = true;
            // Npgsql's automatic preparation stays off, even when the connection string asks for it (ADR 0009): after a
            // statement fails (a fenced commit, a version conflict, a rejected message), its bookkeeping can leave the
            // connection out of step with the server ("unexpected backend message DataRow", npgsql#6391), and failed
            // statements are part of this runtime's normal life.
            builder.MaxAutoPrepare = 0;

            ConnectionString = builder.ConnectionString;
        }
        catch (ArgumentException ex)
        {
            throw new ClusterConfigurationException($"The PostgreSQL connection string is invalid: {ex.Message}", ex);
        }
    }

    public string ConnectionString { get; }

    /// <summary>Adds schema changes of another component (versions 100 and up), applied at silo start.</summary>
    public PostgresClusterProvider AddMigrations(IEnumerable<PostgresMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        _migrations.AddRange(migrations);
        return this;
    }

    /// <summary>Registers how a read-model row type is stored.</summary>
    public PostgresClusterProvider AddReadModelWriter(IPostgresReadModelWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writers[writer.RowType] = writer;
        return this;
    }

    internal override IRuntimeStore CreateStore(int partitionCount, TimeProvider timeProvider, ILoggerFactory loggerFactory) =>
        new PostgresRuntimeStore(ConnectionString, partitionCount, _migrations, _writers, loggerFactory);
}
