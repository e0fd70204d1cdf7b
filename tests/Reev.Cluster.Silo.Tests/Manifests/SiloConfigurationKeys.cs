using System.Reflection;
using Reev.Cluster.Silo.Hosting;

namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>
/// The keys the silo binds (from the option types it actually loads), so that a manifest cannot set a variable the
/// silo ignores (a typo such as REEV__SILO__PARTITIONS would silently fall back to a default).
/// </summary>
internal static class SiloConfigurationKeys
{
    /// <summary>"Reev:Silo:PartitionCount", ... (case-insensitive, like configuration keys).</summary>
    public static IReadOnlySet<string> Bound { get; } = SiloHostConfiguration.BoundOptions
        .SelectMany(b => b.OptionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => $"{b.Section}:{p.Name}"))
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Read by the .NET runtime or the OTLP exporter rather than by the silo's options.</summary>
    private static readonly string[] PlatformPrefixes = ["DOTNET_", "OTEL_"];

    /// <summary>Null when the silo reads the variable; otherwise why not.</summary>
    public static string? Problem(string environmentVariable)
    {
        if (PlatformPrefixes.Any(p => environmentVariable.StartsWith(p, StringComparison.Ordinal)))
        {
            return null;
        }

        if (!environmentVariable.StartsWith("REEV__", StringComparison.OrdinalIgnoreCase))
        {
            return $"{environmentVariable} is not a silo setting (REEV__SECTION__KEY), nor a DOTNET_/OTEL_ variable";
        }

        var key = environmentVariable.Replace("__", ":", StringComparison.Ordinal);
        return Bound.Contains(key) ? null : $"{environmentVariable} ({key}) is not bound by the silo; known keys: {string.Join(", ", Bound.Order())}";
    }

    public static TimeSpan GracePeriod(IReadOnlyDictionary<string, string> environment) =>
        environment.TryGetValue("REEV__SILO__SHUTDOWNGRACEPERIOD", out var value)
            ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : SiloHostOptions.DefaultShutdownGracePeriod;
}
