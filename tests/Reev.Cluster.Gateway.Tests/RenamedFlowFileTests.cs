using System.Net;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>
/// A folder of its own: a flow file whose <c>id:</c> differs from its file name is run, read, stopped and retried by its
/// file name; a broken file is listed with an error naming the file, not the gateway's folder.
/// </summary>
public sealed class RenamedFlowFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("reev-renamed-").FullName;
    private readonly RenamedFactory _factory;

    public RenamedFlowFileTests()
    {
        var source = Path.Combine(BenchmarksFolder(), "001-sol-transfer.yml");
        File.Copy(source, Path.Combine(_folder, "my-transfer.yml"));
        _factory = new RenamedFactory(_folder);
    }

    [Fact]
    public async Task Run_FileNamedOtherThanItsId_IsFoundByItsFileName()
    {
        using var client = _factory.Operator();
        var key = Guid.NewGuid().ToString();
        async Task<HttpResponseMessage> RunAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/benchmarks/my-transfer/run") { Content = Api.Json("""{"agent":"deterministic"}""") };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }

        using var first = await RunAsync();
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var id = (await first.ReadJsonAsync()).GetProperty("execution_id").GetString()!;
        using var retry = await RunAsync();
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode); // a retry, not a 409
        Assert.Equal(id, (await retry.ReadJsonAsync()).GetProperty("execution_id").GetString());

        var final = await Api.WaitFinalAsync(client, id);
        Assert.Equal("completed", final.GetProperty("status").GetString());
        using var status = await client.GetAsync($"/api/v1/benchmarks/my-transfer/status/{id}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task Run_FileWhosePlaceholderIsMissing_Is422EachTime_UntilTheFileIsMended()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(BenchmarksFolder(), "002-spl-transfer.yml"));
        Assert.Contains("owner: \"RECIPIENT_WALLET_PUBKEY\"", text, StringComparison.Ordinal);
        var path = Path.Combine(_folder, "owner-missing.yml");
        await File.WriteAllTextAsync(path, text.Replace("owner: \"RECIPIENT_WALLET_PUBKEY\"", "owner: \"NOBODY_WALLET_PUBKEY\"", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        using var client = _factory.Operator();
        async Task<HttpResponseMessage> RunAsync(int seed) =>
            await client.PostAsync("/api/v1/benchmarks/owner-missing/run", Api.Json($$"""{"agent":"deterministic","seed":{{seed}}}"""));

        // The file loads; its placeholders do not resolve, whatever the seed (the gateway checks a file once).
        foreach (var seed in new[] { 1, 2 })
        {
            using var rejected = await RunAsync(seed);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
            var problem = await rejected.ReadJsonAsync();
            Assert.Equal("initial_state[3].data.owner", problem.GetProperty("field").GetString());
            Assert.Contains("NOBODY_WALLET_PUBKEY", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
            Assert.Equal("owner-missing.yml", problem.GetProperty("file").GetString());
        }

        // Mended in place: the next POST runs the new text, not the earlier verdict.
        await File.WriteAllTextAsync(path, text);
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 1, 0, 0, DateTimeKind.Utc));
        using var accepted = await RunAsync(3);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.ReadJsonAsync()).GetProperty("execution_id").GetString()!;
        Assert.Equal("completed", (await Api.WaitFinalAsync(client, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task List_BrokenFile_ErrorNamesTheFileNotTheGatewaysFolder()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "broken.yml"), "id: broken\ndescription: x\ntags: [a, b\n");
        using var client = _factory.Reader();

        using var response = await client.GetAsync("/api/v1/benchmarks");
        var broken = (await response.ReadJsonAsync()).EnumerateArray().Single(b => b.GetProperty("id").GetString() == "broken");

        var error = broken.GetProperty("error").GetString()!;
        Assert.StartsWith("broken.yml:", error, StringComparison.Ordinal);
        Assert.DoesNotContain(_folder, error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The reference benchmarks: as configured, else <c>shared/benchmarks</c> beside an ancestor of the test's folder.</summary>
    private static string BenchmarksFolder()
    {
        if (Environment.GetEnvironmentVariable("Reev__Gateway__BenchmarksDirectory") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "shared", "benchmarks");
            if (File.Exists(Path.Combine(candidate, "001-sol-transfer.yml")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("The reference benchmarks (shared/benchmarks) were not found above " + AppContext.BaseDirectory);
    }

    private sealed class RenamedFactory(string folder) : GatewayFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Reev:Gateway:BenchmarksDirectory"] = folder,
        };
    }
}
