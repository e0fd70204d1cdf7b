using System.ComponentModel.DataAnnotations;

namespace Reev.Cluster.Silo.Hosting;

/// <summary>
/// Settings of the silo process (section <c>Reev:Silo</c>, next to the runtime's <see cref="Runtime.SiloOptions"/>):
/// which provider, where the health endpoints listen, how long a graceful stop may take, the log format.
/// </summary>
internal sealed class SiloHostOptions
{
    public const string SectionName = "Reev:Silo";
    public const string MemoryProvider = "memory";
    public const string PostgresProvider = "postgres";
    public const string DefaultListenAddress = "127.0.0.1";
    public const int DefaultPort = 5090;
    public const string TextLogFormat = "text";
    public const string JsonLogFormat = "json";

    /// <summary>The default of <see cref="ShutdownGracePeriod"/>: what a SIGTERM'd silo may take to drain and hand over.</summary>
    public static readonly TimeSpan DefaultShutdownGracePeriod = TimeSpan.FromSeconds(20);

    /// <summary><c>memory</c> or <c>postgres</c>; empty picks postgres when a connection string is set, memory otherwise.</summary>
    public string Provider { get; set; } = string.Empty;

    /// <summary>Address of the health endpoints: loopback by default, <c>0.0.0.0</c> in a container.</summary>
    [Required]
    public string ListenAddress { get; set; } = DefaultListenAddress;

    /// <summary>Port of the health endpoints (<c>/health/live</c>, <c>/health/ready</c>).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = DefaultPort;

    /// <summary>After SIGTERM: drain, hand partitions over and exit within this period (also the host's ShutdownTimeout).</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = DefaultShutdownGracePeriod;

    /// <summary><c>text</c> (one line per entry) or <c>json</c> (one JSON object per line).</summary>
    public string LogFormat { get; set; } = TextLogFormat;
}
