using System.Runtime.InteropServices;
using Reev.Cluster.Cli;

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C cancels the execution and lets the CLI report it; a second one ends the process at once.
    if (!interrupt.IsCancellationRequested)
    {
        e.Cancel = true;
        interrupt.Cancel();
    }
};

// SIGTERM (a job cancelled, `kill <pid>`) is handled as Ctrl+C: the command cancels what it started (an execution, the
// silo processes of `reev load`) and exits, instead of the runtime ending the process with its children still running.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    if (!interrupt.IsCancellationRequested)
    {
        context.Cancel = true;
        interrupt.Cancel();
    }
});

return await CliProgram.RunAsync(args, Console.Out, Console.Error, interrupt.Token).ConfigureAwait(false);
