using System.Reflection;
using Npgsql;

namespace Reev.Cluster.Runtime.Postgres;

/// <summary>
/// Applies the embedded migrations once per database: versioned, in one transaction, under an
/// advisory lock so that silos starting together do not race (DESIGN R10).
/// </summary>
internal static class PostgresMigrator
{
    private const long AdvisoryLockKey = 0x5245455643_4C53; // "REEVCLS"

    public static IReadOnlyList<PostgresMigration> RuntimeMigrations { get; } = Load();

    public static async Task MigrateAsync(
        NpgsqlDataSource dataSource, int partitionCount, IEnumerable<PostgresMigration> extra, CancellationToken cancellationToken)
    {
        var all = RuntimeMigrations.Concat(extra).OrderBy(m => m.Version).ToList();
        var duplicate = all.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ClusterConfigurationException($"Two migrations share version {duplicate.Key}.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, tx, """
            CREATE TABLE IF NOT EXISTS reev_schema_migrations (
                version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<int>();
        await using (var cmd = new NpgsqlCommand("SELECT version FROM reev_schema_migrations", connection, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var migration in all.Where(m => !applied.Contains(m.Version)))
        {
            await ExecAsync(connection, tx, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand(
                "INSERT INTO reev_schema_migrations (version, description) VALUES (@v, @d)", connection, tx);
            record.Parameters.AddWithValue("v", migration.Version);
            record.Parameters.AddWithValue("d", migration.Description);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var init = new NpgsqlCommand("""
            INSERT INTO reev_cluster (id, partition_count) VALUES (1, @n) ON CONFLICT (id) DO NOTHING;
            SELECT partition_count FROM reev_cluster WHERE id = 1;
            """, connection, tx))
        {
            init.Parameters.AddWithValue("n", partitionCount);
            var existing = (int)(await init.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (existing != partitionCount)
            {
                throw new ClusterConfigurationException(
                    $"The cluster's database was created with {existing} partitions; this silo is configured with {partitionCount} " +
                    $"({SiloOptions.SectionName}:PartitionCount). The partition count is fixed when the schema is created.");
            }
        }

        await using (var parts = new NpgsqlCommand(
            "INSERT INTO reev_partitions (partition) SELECT generate_series(0, @n - 1) ON CONFLICT (partition) DO NOTHING", connection, tx))
        {
            parts.Parameters.AddWithValue("n", partitionCount);
            await parts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The applied migration versions (for tests and diagnostics).</summary>
    public static async Task<IReadOnlyList<int>> AppliedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT version FROM reev_schema_migrations ORDER BY version");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(reader.GetInt32(0));
        }

        return list;
    }

    private static async Task ExecAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<PostgresMigration> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var list = new List<PostgresMigration>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            // Resource names end with "Migrations.NNN_description.sql".
            var file = name[(name.IndexOf("Migrations.", StringComparison.Ordinal) + "Migrations.".Length)..];
            var version = int.Parse(file[..file.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            list.Add(new PostgresMigration(version, file[..^4], reader.ReadToEnd()));
        }

        return list;
    }
}
