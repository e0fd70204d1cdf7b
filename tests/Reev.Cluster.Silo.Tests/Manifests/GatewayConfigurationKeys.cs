using System.Reflection;
using System.Text.RegularExpressions;
using Reev.Cluster.Client.Hosting;
using Reev.Cluster.Gateway.Hosting;

namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>
/// The keys the standalone gateway reads (client/Reev.Cluster.Gateway/Program.cs: <c>Reev:Gateway</c> through
/// <see cref="GatewayOptions"/>, its <c>HostSilo</c> switch, <c>Reev:Client</c> through <see cref="ReevClusterClientOptions"/>,
/// API keys as <c>Reev:Gateway:ApiKeys:N:Name|Key|Role</c>), so that a manifest cannot set a variable it ignores.
/// </summary>
internal static partial class GatewayConfigurationKeys
{
    /// <summary>"Reev:Gateway:RateLimitPermits", "Reev:Client:ConnectionString", ... (case-insensitive, like configuration keys).</summary>
    public static IReadOnlySet<string> Bound { get; } = Writable(GatewayOptions.SectionName, typeof(GatewayOptions))
        .Concat(Writable(ReevClusterClientOptions.SectionName, typeof(ReevClusterClientOptions)))
        .Append($"{GatewayOptions.SectionName}:HostSilo")
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> ApiKeyFields = typeof(ApiKeyOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Read by the .NET runtime, ASP.NET Core (ASPNETCORE_URLS, ...) or the OTLP exporter.</summary>
    private static readonly string[] PlatformPrefixes = ["DOTNET_", "ASPNETCORE_", "OTEL_"];

    /// <summary>Null when the gateway reads the variable; otherwise why not.</summary>
    public static string? Problem(string environmentVariable)
    {
        if (PlatformPrefixes.Any(p => environmentVariable.StartsWith(p, StringComparison.Ordinal)))
        {
            return null;
        }

        if (!environmentVariable.StartsWith("REEV__", StringComparison.OrdinalIgnoreCase))
        {
            return $"{environmentVariable} is not a gateway setting (REEV__SECTION__KEY), nor a DOTNET_/ASPNETCORE_/OTEL_ variable";
        }

        var key = environmentVariable.Replace("__", ":", StringComparison.Ordinal);
        if (ApiKey().Match(key) is { Success: true } match)
        {
            return ApiKeyFields.Contains(match.Groups["field"].Value) ? null : $"{environmentVariable}: an API key has {string.Join(", ", ApiKeyFields)}";
        }

        return Bound.Contains(key) ? null : $"{environmentVariable} ({key}) is not read by the gateway; known keys: {string.Join(", ", Bound.Order())}";
    }

    private static IEnumerable<string> Writable(string section, Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => $"{section}:{p.Name}");

    [GeneratedRegex(@"^Reev:Gateway:ApiKeys:\d+:(?<field>[A-Za-z]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex ApiKey();
}
