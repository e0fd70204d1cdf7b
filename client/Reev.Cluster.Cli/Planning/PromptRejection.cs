using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Output;
using Reev.Cluster.Planning.Intents;

namespace Reev.Cluster.Cli.Planning;

/// <summary>A rejected prompt as a CLI error: the planner's reason as the code ("unknown_token"), its sentence as the reason.</summary>
internal static class PromptRejection
{
    public static CliError ToError(PromptError error) => new(SnakeCase.Of(error.Reason), error.Message)
    {
        Subject = error.Subject,
        Position = error.Position >= 0 ? error.Position : null,
    };
}
