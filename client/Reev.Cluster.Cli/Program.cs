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

return await CliProgram.RunAsync(args, Console.Out, Console.Error, interrupt.Token).ConfigureAwait(false);
