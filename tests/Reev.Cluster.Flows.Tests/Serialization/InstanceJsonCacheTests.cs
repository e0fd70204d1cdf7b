using System.Text.Json;
using System.Text.Json.Serialization;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Tests.Serialization;

public sealed class InstanceJsonCacheTests
{
    private static JsonSerializerOptions Options(params JsonConverter[] extra)
    {
        // The shape of the grains' options: web defaults, no nulls, enums as strings.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            IgnoreReadOnlyProperties = true,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        foreach (var converter in extra)
        {
            options.Converters.Add(converter);
        }

        return options;
    }

    private static StepRequest RequestFor(string benchmark)
    {
        var document = BenchmarkFiles.Load(benchmark);
        var prepared = FlowPreparation.Prepare(document, seed: 7);
        Assert.True(prepared.IsSuccess, prepared.Error?.ToString());
        var flow = prepared.Flow!;
        return new StepRequest(flow.Document, 1, flow.KeyMap, flow.InitialLedger, "deterministic", Seed: 7);
    }

    [Theory]
    [InlineData("001-sol-transfer")]
    [InlineData("200-jup-swap-then-lend-deposit")]
    public void Cached_json_is_the_same_as_the_serializers_own_and_reads_back_equal(string benchmark)
    {
        var request = RequestFor(benchmark);
        var plain = Options();
        var cached = Options(InstanceJsonCache.ForFlows());

        var expected = JsonSerializer.Serialize(request, plain);
        var first = JsonSerializer.Serialize(request, cached);
        var second = JsonSerializer.Serialize(request, cached); // from the cache this time

        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
        var read = JsonSerializer.Deserialize<StepRequest>(second, cached)!;
        Assert.Equal((request.Document, request.Ledger), (read.Document, read.Ledger));
        Assert.Equal(request.KeyMap.Entries, read.KeyMap.Entries); // a dictionary: compared by content, not by the record
        Assert.Equal(expected, JsonSerializer.Serialize(read, plain));
    }

    [Fact]
    public void Another_instance_gets_its_own_json_even_when_an_equal_one_was_cached()
    {
        var request = RequestFor("001-sol-transfer");
        var cached = Options(InstanceJsonCache.ForFlows());
        _ = JsonSerializer.Serialize(request, cached);
        var later = request with { Ledger = request.Ledger with { Slot = request.Ledger.Slot + 41 } };

        var json = JsonSerializer.Serialize(later, cached);

        Assert.Equal(JsonSerializer.Serialize(later, Options()), json);
        Assert.Equal(later.Ledger.Slot, JsonSerializer.Deserialize<StepRequest>(json, cached)!.Ledger.Slot);
    }

    [Fact]
    public void An_instance_is_serialized_once_which_is_why_only_immutable_types_may_be_cached()
    {
        var cached = Options(new InstanceJsonCache(typeof(Counter)));
        var counter = new Counter { Value = 1 };
        var first = JsonSerializer.Serialize(new Holder(counter), cached);

        counter.Value = 2; // breaks the contract on purpose: the cached bytes are written again
        var second = JsonSerializer.Serialize(new Holder(counter), cached);

        Assert.Equal("""{"counter":{"value":1}}""", first);
        Assert.Equal(first, second);
        Assert.Equal("""{"counter":{"value":2}}""", JsonSerializer.Serialize(new Holder(new Counter { Value = 2 }), cached));
    }

    [Fact]
    public void A_value_type_is_refused_naming_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => new InstanceJsonCache(typeof(Guid)));

        Assert.Contains("Guid is a value type", ex.Message, StringComparison.Ordinal);
    }

    private sealed class Counter
    {
        public int Value { get; set; }
    }

    private sealed record Holder(Counter Counter);
}
