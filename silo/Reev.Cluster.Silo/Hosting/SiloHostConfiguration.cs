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

    /// <summary>The longest grace period: a stop is bounded, and what a container platform would wait for.</summary>
    internal static readonly TimeSpan MaxShutdownGracePeriod = TimeSpan.FromHours(1);

    /// <summary>
    /// The first command-line argument the silo would not read, with why, or null. Configuration drops unknown switches
    /// without a word, so a mistyped "--postgress" would start a silo in memory that loses every flow it accepts.
    /// Accepted: the switches of <see cref="SwitchMappings"/> and configuration keys (<c>--Reev:Silo:DrainTimeout</c>),
    /// each with its value next or after '='.
    /// </summary>
    public static string? UnknownArgument(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            var known = SwitchMappings.ContainsKey(name) || (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal));
            if (!known)
            {
                return arg.StartsWith('-')
                    ? $"unknown option '{name}' (known: {string.Join(", ", SwitchMappings.Keys)}, or a setting as --Section:Key value)"
                    : $"unexpected argument '{arg}' (options are --name value)";
            }

            if (!arg.Contains('=', StringComparison.Ordinal))
            {
                if (i + 1 >= args.Count || SwitchMappings.ContainsKey(args[i + 1].Split('=', 2)[0]))
                {
                    return $"option '{name}' needs a value";
                }

                i++;
            }
        }

        return null;
    }

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
        if (SiloOptions.TurnTimeoutProblem(silo.TurnTimeout) is { } turnTimeout)
        {
            throw new ClusterConfigurationException(turnTimeout); // zero would fail every turn; a bare "300" is 300 days
        }

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

        if (host.ShutdownGracePeriod <= TimeSpan.Zero || host.ShutdownGracePeriod > MaxShutdownGracePeriod)
        {
            // A bare number is read as days ("60" is 60 days): refused here, not found out at the first SIGTERM.
            throw new ClusterConfigurationException(
                $"{SiloHostOptions.SectionName}:ShutdownGracePeriod must be from 00:00:01 to {MaxShutdownGracePeriod:c} (hh:mm:ss; a bare number means days), not {host.ShutdownGracePeriod}.");
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
