using System.Reflection;

namespace Reev.Cluster.Silo.Tests;

/// <summary>Where the checkout and the silo's build output are (recorded at build time).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = Metadata("ReevRepositoryRoot")
        ?? throw new InvalidOperationException("The test assembly does not record the repository root (ReevRepositoryRoot).");

    public static string Deploy => Path.Combine(Root, "deploy");

    /// <summary>Reev.Cluster.Silo.dll in the silo project's own output folder.</summary>
    public static string SiloAssembly { get; } = FindSilo();

    /// <summary>Reev.Cluster.Gateway.dll in the gateway project's own output folder (built as a reference of the silo).</summary>
    public static string GatewayAssembly { get; } = FindGateway();

    private static string FindGateway()
    {
        var siloFolder = Path.GetDirectoryName(SiloAssembly)!;
        // The artifacts layout: bin/Reev.Cluster.Silo/<pivot> -> bin/Reev.Cluster.Gateway/<pivot>; else the copy beside the silo.
        var sibling = Path.Combine(siloFolder.Replace($"{Path.DirectorySeparatorChar}Reev.Cluster.Silo{Path.DirectorySeparatorChar}", $"{Path.DirectorySeparatorChar}Reev.Cluster.Gateway{Path.DirectorySeparatorChar}", StringComparison.Ordinal), "Reev.Cluster.Gateway.dll");
        foreach (var candidate in new[] { sibling, Path.Combine(siloFolder, "Reev.Cluster.Gateway.dll") })
        {
            if (File.Exists(candidate) && File.Exists(Path.ChangeExtension(candidate, ".runtimeconfig.json")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Reev.Cluster.Gateway.dll was found neither at {sibling} nor beside the silo. Build the solution first.");
    }

    private static string FindSilo()
    {
        if (Metadata("ReevSiloPath") is { Length: > 0 } recorded && File.Exists(recorded))
        {
            return recorded;
        }

        // The artifacts layout puts the silo next to this project: bin/Reev.Cluster.Silo.Tests/<pivot> -> bin/Reev.Cluster.Silo/<pivot>.
        var sibling = AppContext.BaseDirectory.Replace("Reev.Cluster.Silo.Tests", "Reev.Cluster.Silo", StringComparison.Ordinal);
        var candidate = Path.Combine(sibling, "Reev.Cluster.Silo.dll");
        return File.Exists(candidate) && File.Exists(Path.ChangeExtension(candidate, ".runtimeconfig.json"))
            ? candidate
            : throw new FileNotFoundException($"Reev.Cluster.Silo.dll was not found (recorded path '{Metadata("ReevSiloPath")}', then {candidate}). Build the solution first.");
    }

    private static string? Metadata(string key) =>
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
