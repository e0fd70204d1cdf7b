namespace Reev.Cluster.Silo.Hosting;

/// <summary>Exit codes of the silo process (documented in the README).</summary>
internal static class SiloExitCodes
{
    /// <summary>Stopped on request after a complete drain and hand-over.</summary>
    public const int Stopped = 0;

    /// <summary>An unexpected failure.</summary>
    public const int Crashed = 1;

    /// <summary>The configuration cannot work: unknown provider, malformed connection string, partition count mismatch.</summary>
    public const int BadConfiguration = 2;

    /// <summary>The cluster's database could not be reached.</summary>
    public const int DatabaseUnavailable = 3;

    /// <summary>The health endpoints' port is taken.</summary>
    public const int PortInUse = 4;

    /// <summary>The graceful stop did not finish within Reev:Silo:ShutdownGracePeriod; leases pass on by expiry.</summary>
    public const int GracePeriodExceeded = 5;

    /// <summary>
    /// Another process took this silo's id over while this one was paused past its lease: this one stopped all work at
    /// once (no hand-over: the partitions are the other process's now) and must not come back under that id.
    /// </summary>
    public const int Superseded = 6;
}
