using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Silo.Hosting;

/// <summary>
/// Reads and checks the silo's configuration: appsettings.json, then environment variables (<c>REEV__SILO__PORT</c>),
/// then the command line (<c>--silo-id</c>, <c>--port</c>, <c>--postgres</c>, <c>--provider</c>, <c>--gateway</c>, ...), later
/// sources winning.
/// </summary>
internal static class SiloHostConfiguration
{
    /// <summary>The command-line switches and the keys they set.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--silo-id"] = $"{SiloOptions.SectionName}:{nameof(SiloOptions.SiloId)}",
        ["--port"] = $"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.Port)}",
        ["--listen-address"] = $"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.ListenAddress)}",
        ["--provider"] = $"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.Provider)}",
        ["--partitions"] = $"{SiloOptions.SectionName}:{nameof(SiloOptions.PartitionCount)}",
        ["--log-format"] = $"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.LogFormat)}",
        ["--postgres"] = $"{PostgresOptions.SectionName}:{nameof(PostgresOptions.ConnectionString)}",
        ["--gateway"] = $"{SiloGatewayOptions.SectionName}:{nameof(SiloGatewayOptions.Enabled)}",
        ["--benchmarks"] = $"{GatewayOptions.SectionName}:{nameof(GatewayOptions.BenchmarksDirectory)}",
    };

    /// <summary>The option types the silo binds, with their sections (the keys an operator may set).</summary>
    public static IReadOnlyList<(string Section, Type OptionsType)> BoundOptions { get; } =
    [
        (SiloOptions.SectionName, typeof(SiloOptions)),
        (SiloHostOptions.SectionName, typeof(SiloHostOptions)),
        (PostgresOptions.SectionName, typeof(PostgresOptions)),
        (SiloGatewayOptions.SectionName, typeof(SiloGatewayOptions)),
        // Bound by the co-hosted gateway itself (AddReevGateway), validated at start.
        (GatewayOptions.SectionName, typeof(GatewayOptions)),
    ];

    /// <summary>What a stop needs beyond the drain: about 1 s for the hand-over and 2 s for the web server.</summary>
    internal static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(3);

    /// <summary>Binds and validates everything; a <see cref="ClusterConfigurationException"/> names the setting at fault.</summary>
    public static SiloHostSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var host = Bind<SiloHostOptions>(configuration, SiloHostOptions.SectionName);
        var silo = Bind<SiloOptions>(configuration, SiloOptions.SectionName);
        var postgres = Bind<PostgresOptions>(configuration, PostgresOptions.SectionName);
        var gateway = Bind<SiloGatewayOptions>(configuration, SiloGatewayOptions.SectionName);
        Validate(host, SiloHostOptions.SectionName);
        Validate(silo, SiloOptions.SectionName);

        var connectionString = string.IsNullOrWhiteSpace(postgres.ConnectionString) ? null : postgres.ConnectionString.Trim();
        var provider = host.Provider.Trim().ToLowerInvariant() switch
        {
            "" => connectionString is null ? SiloHostOptions.MemoryProvider : SiloHostOptions.PostgresProvider,
            SiloHostOptions.MemoryProvider or "in-memory" or "inmemory" => SiloHostOptions.MemoryProvider,
            SiloHostOptions.PostgresProvider or "postgresql" => SiloHostOptions.PostgresProvider,
            _ => throw new ClusterConfigurationException(
                $"Unknown provider '{host.Provider}' ({SiloHostOptions.SectionName}:Provider or --provider): use 'memory' or 'postgres'."),
        };
        if (provider == SiloHostOptions.PostgresProvider && connectionString is null)
        {
            throw new ClusterConfigurationException(
                $"The postgres provider needs a connection string: set {PostgresOptions.SectionName}:ConnectionString (REEV__POSTGRES__CONNECTIONSTRING) or pass --postgres.");
        }

        var address = string.Equals(host.ListenAddress, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : null;
        if (address is null && !IPAddress.TryParse(host.ListenAddress, out address))
        {
            throw new ClusterConfigurationException(
                $"{SiloHostOptions.SectionName}:ListenAddress '{host.ListenAddress}' is not an IP address (use 127.0.0.1, or 0.0.0.0 in a container).");
        }

        var logFormat = host.LogFormat.Trim().ToLowerInvariant();
        if (logFormat is not (SiloHostOptions.TextLogFormat or SiloHostOptions.JsonLogFormat))
        {
            throw new ClusterConfigurationException(
                $"Unknown log format '{host.LogFormat}' ({SiloHostOptions.SectionName}:LogFormat or --log-format): use 'text' or 'json'.");
        }

        if (host.ShutdownGracePeriod <= TimeSpan.Zero)
        {
            throw new ClusterConfigurationException($"{SiloHostOptions.SectionName}:ShutdownGracePeriod must be positive, not {host.ShutdownGracePeriod}.");
        }

        if (silo.DrainTimeout + StopMargin > host.ShutdownGracePeriod)
        {
            throw new ClusterConfigurationException(
                $"{SiloOptions.SectionName}:DrainTimeout ({silo.DrainTimeout}) must be at least {StopMargin.TotalSeconds:0} s shorter than {SiloHostOptions.SectionName}:ShutdownGracePeriod ({host.ShutdownGracePeriod}): the hand-over follows the drain, and the web server stops after it.");
        }

        if (gateway.Enabled
            && (configuration.GetSection(Gateway.Hosting.GatewayOptions.SectionName).Get<Gateway.Hosting.GatewayOptions>() ?? new Gateway.Hosting.GatewayOptions()).Problems() is [var problem, ..])
        {
            throw new ClusterConfigurationException(problem); // the co-hosted gateway's settings, checked before anything starts
        }

        return new SiloHostSettings(silo, host, provider, connectionString, address, logFormat == SiloHostOptions.JsonLogFormat, gateway.Enabled);
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key and the target type ("Failed to convert configuration value at 'Reev:Silo:Port' ...").
            throw new ClusterConfigurationException(ex.Message, ex);
        }
    }

    private static void Validate(object options, string section)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var first = results[0];
            throw new ClusterConfigurationException($"{section}:{string.Join(",", first.MemberNames)}: {first.ErrorMessage}");
        }
    }
}
