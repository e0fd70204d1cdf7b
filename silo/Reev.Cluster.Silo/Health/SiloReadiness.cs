using Npgsql;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Silo.Health;

/// <summary>
/// Readiness of this process: the silo runs, owns partitions, and (on PostgreSQL) the database answers. A silo that
/// is draining is not ready, so a load balancer stops sending it work before it hands its partitions over.
/// </summary>
internal sealed class SiloReadiness(Runtime.Silo silo, string provider, NpgsqlDataSource? database)
{
    private static readonly TimeSpan DatabaseProbeTimeout = TimeSpan.FromSeconds(2);

    public string SiloId => silo.SiloId;

    public string Provider => provider;

    public async Task<SiloReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var owned = silo.OwnedPartitions.Count;
        var count = silo.Options.PartitionCount;
        if (!silo.IsRunning)
        {
            return new SiloReadinessReport(false, "the silo is not running (starting or draining)", owned, count);
        }

        if (owned == 0)
        {
            return new SiloReadinessReport(false, "the silo owns no partitions yet", owned, count);
        }

        if (database is not null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(DatabaseProbeTimeout);
            try
            {
                await using var cmd = database.CreateCommand("SELECT 1");
                await cmd.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return new SiloReadinessReport(false, $"the database does not answer: {ex.Message}", owned, count);
            }
        }

        return new SiloReadinessReport(true, $"silo {silo.SiloId} owns {owned} of {count} partitions ({provider})", owned, count);
    }
}
