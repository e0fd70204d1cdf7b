using Npgsql;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Silo.Hosting;

/// <summary>
/// A silo id under a live lease: the runtime refuses a heartbeat from another process under that id while the lease
/// runs (two processes under one id would pass each other's fences), so a silo restarted right after a SIGKILL would
/// fail to start. This guard tells the two cases apart before the start: a live holder renews its lease (refused here
/// with a clear line), a dead one's lease runs out (waited for, so the restart succeeds).
/// </summary>
internal static class SiloIdentityGuard
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static async Task EnsureFreeAsync(NpgsqlDataSource database, string siloId, SiloOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var first = await ReadLeaseAsync(database, siloId, cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            return;
        }

        var deadline = time.GetTimestamp();
        while (time.GetElapsedTime(deadline) < options.LeaseDuration + options.HeartbeatInterval)
        {
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            var current = await ReadLeaseAsync(database, siloId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return;
            }

            if (current > first)
            {
                throw new ClusterConfigurationException(
                    $"Silo id '{siloId}' is held by a live silo (it renewed its lease): give every silo its own {SiloOptions.SectionName}:SiloId (--silo-id).");
            }
        }
    }

    /// <summary>The expiry of an active, unexpired lease under this id; null when there is none (or no schema yet).</summary>
    private static async Task<DateTime?> ReadLeaseAsync(NpgsqlDataSource database, string siloId, CancellationToken cancellationToken)
    {
        try
        {
            await using var cmd = database.CreateCommand(
                "SELECT lease_expires_at FROM reev_silos WHERE silo_id = @id AND status = 'active' AND lease_expires_at > now()");
            cmd.Parameters.AddWithValue("id", siloId);
            return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as DateTime?;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
        catch (NpgsqlException)
        {
            // Unreachable or refused: the silo's own start reports it with the right exit code.
            return null;
        }
    }
}
