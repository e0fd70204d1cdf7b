using System.Globalization;
using Reev.Cluster.Benchmarks;

if (BenchmarkCommandLine.Answer(args, Console.Out, Console.Error) is { } answered)
{
    return answered;
}

Func<string[], CancellationToken, Task<int>>? subcommand = args[0] switch
{
    "gateway" => GatewayBenchmark.RunAsync,
    "prepare" => PrepareBenchmark.RunAsync,
    "plan" => PlanBenchmark.RunAsync,
    "flows" => FlowBenchmark.RunAsync,
    _ => null,
};
if (subcommand is not null)
{
    using var subcommandCancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        subcommandCancel.Cancel();
    };
    try
    {
        return await subcommand(args[1..], subcommandCancel.Token);
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        Console.Error.WriteLine(BenchmarkCommandLine.UsageOf(args[0]));
        return 2;
    }
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args[1..]);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Reev.Cluster runtime benchmark: {Environment.ProcessorCount} cores, {options.Grains} grains, {options.Messages} grain-to-grain + {options.ClientMessages} client one-way messages, {options.Asks} asks per run"));
var results = new List<BenchResult>();
PrivatePostgres? server = null;
try
{
    if (options.Memory)
    {
        foreach (var silos in options.Silos)
        {
            results.Add(await RuntimeBenchmark.RunAsync("memory", null, silos, options, cancel.Token));
            Console.WriteLine(ResultTable.Row(results[^1]));
        }
    }

    if (options.Postgres)
    {
        var connection = options.PostgresConnection;
        if (connection is null)
        {
            server = await PrivatePostgres.StartAsync(options.Durable, cancel.Token);
            connection = server.ConnectionString;
            Console.WriteLine($"private PostgreSQL started in {server.Directory}{(options.Durable ? " (durable: fsync on)" : " (fsync off)")}");
        }

        foreach (var silos in options.Silos)
        {
            results.Add(await RuntimeBenchmark.RunAsync("postgres", connection, silos, options, cancel.Token));
            Console.WriteLine(ResultTable.Row(results[^1]));
        }
    }
}
finally
{
    if (server is not null)
    {
        await server.DisposeAsync();
    }
}

Console.WriteLine();
Console.WriteLine(ResultTable.Render(results));
return results.All(r => r.Verified == "ok") ? 0 : 1;
