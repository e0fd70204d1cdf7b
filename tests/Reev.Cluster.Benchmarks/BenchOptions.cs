using System.Globalization;

namespace Reev.Cluster.Benchmarks;

/// <summary>Command line of <c>runtime</c>: which providers and cluster sizes, and how much work.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/Reev.Cluster.Benchmarks -- runtime [options]
          --provider memory|postgres|all   providers to measure (default all)
          --postgres <connection string>   server to use (a fresh database per run); default: start a private
                                           server with deploy/postgres/pg-start.sh and stop it afterwards
          --durable                        start the private server with fsync on (default: the test settings, fsync off)
          --silos 1,3                      cluster sizes (default 1,3)
          --messages N                     grain-to-grain one-way messages per run (default 200000)
          --client-messages N              client-to-grain one-way messages per run (default 50000)
          --grains N                       grains (default 1000)
          --asks N                         sequential asks for the latency figures (default 1000)
          --enqueue-tx N                   SiloOptions.MaxEnqueueTransactions: client sends' INSERTs in flight at once
                                           (default 2, ADR 0017)
          --quick                          small sizes for a smoke run (under a minute in all)
        """;

    public bool Memory { get; private set; } = true;

    public bool Postgres { get; private set; } = true;

    public string? PostgresConnection { get; private set; }

    public bool Durable { get; private set; }

    public IReadOnlyList<int> Silos { get; private set; } = [1, 3];

    public int Messages { get; private set; } = 200_000;

    public int ClientMessages { get; private set; } = 50_000;

    public int Grains { get; private set; } = 1000;

    public int Asks { get; private set; } = 1000;

    public bool Quick { get; private set; }

    public int EnqueueTransactions { get; private set; } = Runtime.SiloOptions.DefaultMaxEnqueueTransactions;

    /// <summary>Parses the arguments after <c>runtime</c>; throws <see cref="ArgumentException"/> with the reason.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        int? messages = null, clientMessages = null, grains = null, asks = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--provider":
                    var provider = Value();
                    (o.Memory, o.Postgres) = provider switch
                    {
                        "memory" => (true, false),
                        "postgres" => (false, true),
                        "all" => (true, true),
                        _ => throw new ArgumentException($"--provider must be memory, postgres or all, not '{provider}'."),
                    };
                    break;
                case "--postgres":
                    o.PostgresConnection = Value();
                    break;
                case "--durable":
                    o.Durable = true;
                    break;
                case "--silos":
                    o.Silos = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => Positive("--silos", s))];
                    break;
                case "--messages":
                    messages = Positive("--messages", Value());
                    break;
                case "--client-messages":
                    clientMessages = Positive("--client-messages", Value());
                    break;
                case "--grains":
                    grains = Positive("--grains", Value());
                    break;
                case "--asks":
                    asks = Positive("--asks", Value());
                    break;
                case "--enqueue-tx":
                    o.EnqueueTransactions = Positive("--enqueue-tx", Value());
                    break;
                case "--quick":
                    o.Quick = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'.");
            }
        }

        if (o.Quick)
        {
            (o.Messages, o.ClientMessages, o.Grains, o.Asks) = (6000, 2000, 300, 200);
        }

        o.Messages = messages ?? o.Messages;
        o.ClientMessages = clientMessages ?? o.ClientMessages;
        o.Grains = grains ?? o.Grains;
        o.Asks = asks ?? o.Asks;
        if (o.Messages < o.Grains)
        {
            throw new ArgumentException($"--messages ({o.Messages}) must be at least --grains ({o.Grains}): every grain starts one token.");
        }

        return o;
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} takes a positive number, not '{text}'.");
}
