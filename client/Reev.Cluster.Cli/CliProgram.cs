using Reev.Cluster.Cli.CommandLine;

namespace Reev.Cluster.Cli;

/// <summary>
/// The <c>reev</c> CLI as a callable: everything it prints goes to the writers it is given, so tests (and other
/// hosts) run it in process. <see cref="Program"/> calls it with the console and Ctrl+C.
/// </summary>
public static class CliProgram
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, stdout, stderr, CancellationToken.None);

    /// <summary>Runs one command; <paramref name="cancellationToken"/> is Ctrl+C (a running execution is cancelled).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            return await new ReevCommandLine(stdout, stderr).InvokeAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("reev: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file or folder the command was pointed at: one line, no stack trace.
            await stderr.WriteLineAsync($"reev: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"reev: unexpected failure: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
