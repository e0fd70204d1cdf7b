using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Reev.Cluster.Cli.Tests;

/// <summary>Remote mode without a reachable gateway, with a malformed URL, and against the keyless loopback default.</summary>
public sealed class RemoteConnectionTests : IClassFixture<OpenLoopbackGateway>
{
    private readonly OpenLoopbackGateway _open;

    public RemoteConnectionTests(OpenLoopbackGateway open) => _open = open;

    [Theory]
    [InlineData("status", "cli-x")]
    [InlineData("exec", "swap 0.1 SOL to USDC")]
    [InlineData("watch", "cli-x")]
    [InlineData("load", "--flows", "2", "--steps", "2")]
    public async Task UnreachableGateway_ExitThreeQuicklyWithOneLine(params string[] args)
    {
        var url = "http://127.0.0.1:" + ClosedPort();
        var clock = Stopwatch.StartNew();

        var run = await CliRun.InvokeAsync([.. args, "--gateway", url], TimeSpan.FromSeconds(30));

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"an unreachable gateway should fail within seconds, took {clock.Elapsed}");
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("unreachable", line, StringComparison.Ordinal);
        Assert.Contains(url, line, StringComparison.Ordinal);
        Assert.Contains("[gateway_unavailable]", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/")]
    public async Task MalformedGateway_ExitTwo(string url)
    {
        var run = await CliRun.InvokeAsync(["status", "cli-x", "--gateway", url, "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("--gateway", run.Json().GetProperty("error").GetProperty("field").GetString());
    }

    [Fact]
    public async Task RemoteOnlyCommand_WithoutGateway_ExitTwoNamingTheOption()
    {
        var run = await CliRun.InvokeAsync(["executions", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--gateway", run.Json().GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenLoopbackGateway_NeedsNoKey()
    {
        var exec = await CliRun.InvokeAsync(["exec", "swap 0.1 SOL to USDC", "--gateway", _open.Url, "--json"]);
        var list = await CliRun.InvokeAsync(["executions", "--gateway", _open.Url, "--json"]);

        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.True(list.ExitCode == 0, list.ToString());
        var id = exec.Json().GetProperty("execution_id").GetString();
        Assert.Contains(list.Json().EnumerateArray(), i => i.GetProperty("execution_id").GetString() == id);
    }

    private static int ClosedPort()
    {
        // A port that was free a moment ago: nothing listens there, so connecting is refused.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
