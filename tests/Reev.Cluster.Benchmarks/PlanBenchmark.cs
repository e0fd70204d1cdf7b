using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Benchmarks;

/// <summary>
/// Prompt planning alone, as the gateway plans an <c>execute-direct</c> POST: a fresh wallet and ledger each time (so
/// the planner's balance cache misses and evicts, as under load), parse, plan, render. Time and bytes per plan.
/// </summary>
internal static class PlanBenchmark
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/Reev.Cluster.Benchmarks -- plan [--prompt "check my balances then check my balances"]
                 [--iterations 20000] [--rounds 5]
          --prompt P       the prompt planned, in direct mode, for a new wallet each time
          --iterations N   plans per round; one line per round (the first rounds include the JIT's tiers)
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var prompt = "check my balances then check my balances";
        var iterations = 20_000;
        var rounds = 5;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--prompt": prompt = Next(); break;
                case "--iterations": iterations = BenchmarkCommandLine.Positive(Next(), "--iterations"); break;
                case "--rounds": rounds = BenchmarkCommandLine.Positive(Next(), "--rounds"); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        var planner = PromptPlanner.Create(TimeProvider.System);
        var wallets = new string[iterations];
        var ledgers = new LedgerSnapshot[iterations];
        for (var round = 0; round < rounds; round++)
        {
            // The wallets and ledgers are made before the clock starts: the gateway makes them too, but they are not planning.
            for (var i = 0; i < iterations; i++)
            {
                wallets[i] = Base58.Encode(RandomNumberGenerator.GetBytes(32));
                var ledger = SimulatedLedger.CreateEmpty();
                ledger.SetSystemAccount(wallets[i], 5_000_000_000UL);
                ledger.SetTokenAccount(AssociatedTokenAddress.Derive(wallets[i], TokenCatalog.UsdcMint), TokenCatalog.UsdcMint, wallets[i], 1_000_000_000UL);
                ledgers[i] = ledger.ToSnapshot();
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < iterations; i++)
            {
                var planned = await planner.PlanAsync(new PlanRequest(prompt, wallets[i], ledgers[i], $"plan-{round}-{i}"), PlanningMode.Direct, cancellationToken).ConfigureAwait(false);
                if (!planned.IsSuccess)
                {
                    Console.Error.WriteLine($"error: the prompt does not plan: {planned.Error.Message}");
                    return 1;
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"plan \"{prompt}\", round {round + 1}: {elapsed.TotalMicroseconds / iterations:0.0} us and {(GC.GetAllocatedBytesForCurrentThread() - allocated) / iterations} bytes allocated per plan ({iterations} plans)"));
        }

        return 0;
    }
}
