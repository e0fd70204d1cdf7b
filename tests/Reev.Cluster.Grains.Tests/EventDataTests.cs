using System.Text.Json;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Executions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>An event's data reads, and serializes, as the dictionary it replaces.</summary>
public sealed class EventDataTests
{
    [Fact]
    public void Reads_as_a_dictionary_in_the_order_given()
    {
        var data = EventData.Of(("session_id", "s-1"), ("alternate", "None"));

        Assert.Equal(2, data.Count);
        Assert.Equal("s-1", data["session_id"]);
        Assert.True(data.TryGetValue("alternate", out var alternate));
        Assert.Equal("None", alternate);
        Assert.False(data.ContainsKey("Alternate"));
        Assert.Null(data.GetValueOrDefault("missing"));
        Assert.Throws<KeyNotFoundException>(() => data["missing"]);
        Assert.Equal(["session_id", "alternate"], data.Keys);
        Assert.Equal(["s-1", "None"], data.Values);
    }

    [Fact]
    public void A_key_given_twice_keeps_its_last_value_in_its_first_place()
    {
        var data = EventData.Of(("a", "1"), ("b", "2"), ("a", "3"));
        Assert.Equal([new KeyValuePair<string, string>("a", "3"), new("b", "2")], data);
    }

    [Fact]
    public void An_event_serializes_as_with_a_dictionary_and_reads_back_as_one()
    {
        var at = DateTimeOffset.Parse("2026-12-01T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var compact = new ExecutionEvent(3, "step_started", at, 1, "step 1 started", EventData.Of(("session_id", "s-1"), ("alternate", "None")));
        var dictionary = compact with { Data = new Dictionary<string, string> { ["session_id"] = "s-1", ["alternate"] = "None" } };

        var json = JsonSerializer.Serialize(compact);
        Assert.Equal(JsonSerializer.Serialize(dictionary), json);
        var read = JsonSerializer.Deserialize<ExecutionEvent>(json)!;
        Assert.Equal("s-1", read.Data!["session_id"]);
        Assert.Equal(2, read.Data.Count);
    }
}
