namespace Reev.Cluster.Cli.CommandLine;

/// <summary>The CLI's exit codes (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>The flow passed (or a command without a flow succeeded).</summary>
    public const int Passed = 0;

    /// <summary>The flow ran and did not pass.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: arguments, flow file, agent, atomic mode, faults, rejected prompt. Nothing ran.</summary>
    public const int BadInput = 2;

    /// <summary>The cluster could not run the command (database unreachable, silo failure, no final state).</summary>
    public const int ClusterError = 3;

    /// <summary>Interrupted (Ctrl+C): the execution was cancelled. 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;
}
