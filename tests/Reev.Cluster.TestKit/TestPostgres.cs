using Npgsql;

namespace Reev.Cluster.TestKit;

/// <summary>
/// The PostgreSQL server the test command started (or the one named by REEV_TEST_POSTGRES).
/// Every fixture gets a database of its own, dropped afterwards, so tests never share state.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "REEV_TEST_POSTGRES";

    /// <summary>The server's connection string; a clear failure when the test command did not provide one.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: these tests need PostgreSQL. Run ./test.sh, which starts a private server, " +
                $"or set {EnvironmentVariable} to a connection string of a server where the user may create databases.");

    /// <summary>Creates a fresh, empty database on the test server.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync(string purpose, CancellationToken cancellationToken = default)
    {
        var server = new NpgsqlConnectionStringBuilder(ServerConnectionString);
        var full = $"reev_t_{Sanitize(purpose)}_{Guid.NewGuid():N}";
        var name = full[..Math.Min(48, full.Length)];
        var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var own = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name };
        return new TestDatabase(name, own.ConnectionString, admin.ConnectionString);
    }

    private static string Sanitize(string purpose) =>
        new(purpose.ToLowerInvariant().Where(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')).Take(16).ToArray());
}

/// <summary>A database of one fixture; dropped (connections forced out) on dispose.</summary>
public sealed class TestDatabase(string name, string connectionString, string adminConnectionString) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    /// <summary>Runs a scalar query, for assertions on what the database holds.</summary>
    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, connection);
        var value = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How many chunks of values moved out of <paramref name="table"/>'s rows its TOAST table holds.</summary>
    public async Task<long> CountOutOfLineChunksAsync(string table, CancellationToken cancellationToken = default)
    {
        var toast = await ScalarAsync<string>($"SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = '{table}'", cancellationToken).ConfigureAwait(false);
        return await ScalarAsync<long>($"SELECT count(*) FROM {toast}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a statement in this database as the silos' role (maintenance a test drives, e.g. a VACUUM).</summary>
    public async Task ExecuteInDatabaseAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A connection to this database as the silos' role, outside the pools the silos use.</summary>
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a statement (for fault injection, e.g. terminating a silo's connections).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)").ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The server may already be gone at the end of a run; the test command deletes it anyway.
        }
    }
}
