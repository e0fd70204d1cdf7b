using System.Diagnostics;
using System.Globalization;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Running;

namespace Reev.Cluster.Benchmarks;

/// <summary>
/// Flow preparation alone (placeholders resolved with fresh seeded keys, token accounts derived, the initial ledger
/// built): what an execution grain does once per flow at its start. Time and bytes allocated per preparation.
/// </summary>
internal static class PrepareBenchmark
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/Reev.Cluster.Benchmarks -- prepare [--benchmark 200-jup-swap-then-lend-deposit]
                 [--dir <folder of flow files>] [--iterations 20000] [--rounds 5]
          --benchmark ID   the flow file <dir>/<ID>.yml to prepare, with a new seed each time
          --dir D          the flow files (default: REEV_BENCHMARKS_DIR, else shared/benchmarks above the working directory)
          --iterations N   preparations per round; one line per round (the first rounds include the JIT's tiers)
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var benchmark = "200-jup-swap-then-lend-deposit";
        string? directory = Environment.GetEnvironmentVariable("REEV_BENCHMARKS_DIR") is { Length: > 0 } configured ? configured : null;
        var iterations = 20_000;
        var rounds = 5;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--benchmark": benchmark = Next(); break;
                case "--dir": directory = Next(); break;
                case "--iterations": iterations = BenchmarkCommandLine.Positive(Next(), "--iterations"); break;
                case "--rounds": rounds = BenchmarkCommandLine.Positive(Next(), "--rounds"); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        directory ??= FindBenchmarks() ?? throw new ArgumentException("no --dir given and no shared/benchmarks folder above the working directory");
        var path = Path.Combine(directory, benchmark + ".yml");
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--benchmark: {path} does not exist");
        }

        var load = await FlowFileLoader.LoadAsync(path, Path.GetFileName(path), cancellationToken);
        if (!load.IsSuccess)
        {
            Console.Error.WriteLine($"error: {load.Error}");
            return 1;
        }

        for (var round = 0; round < rounds; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < iterations; i++)
            {
                var prepared = FlowPreparation.Prepare(load.Document!, (round * iterations) + i, load.SourceMap);
                if (!prepared.IsSuccess)
                {
                    Console.Error.WriteLine($"error: {prepared.Error}");
                    return 1;
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"prepare {benchmark}, round {round + 1}: {elapsed.TotalMicroseconds / iterations:0.0} us and {(GC.GetAllocatedBytesForCurrentThread() - allocated) / iterations} bytes allocated per preparation ({iterations} preparations)"));
        }

        return 0;
    }

    private static string? FindBenchmarks()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(folder.FullName, "shared", "benchmarks"), Path.Combine(folder.FullName, "..", "shared", "benchmarks") })
            {
                if (File.Exists(Path.Combine(candidate, "001-sol-transfer.yml")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }
}
