using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Executions;

/// <summary><c>--atomic</c> values (validated by the parser) as <see cref="AtomicMode"/>.</summary>
internal static class AtomicModes
{
    public static AtomicMode Parse(string? value) => value?.ToLowerInvariant() switch
    {
        "strict" => AtomicMode.Strict,
        "lenient" => AtomicMode.Lenient,
        _ => AtomicMode.Conditional,
    };
}
