namespace Reev.Cluster.Cli.Executions;

/// <summary>Execution ids of CLI submissions: unique, and recognisable in a shared cluster's listings.</summary>
internal static class ExecutionIds
{
    public static string New() => $"cli-{Guid.NewGuid():N}";
}
