using System.Net.Sockets;
using System.Text;

namespace Reev.Cluster.Cli.Tests;

/// <summary>A request body that Kestrel itself cannot read is the client's error (4xx problem+json), not a 500.</summary>
[Collection(LoopbackGatewayCollection.Name)]
public sealed class BrokenBodyTests(LoopbackGateway gateway)
{
    [Fact]
    public async Task A_malformed_chunked_body_is_a_400_problem_naming_the_body()
    {
        var uri = new Uri(gateway.Url);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        var request = "POST /api/v1/benchmarks/execute-direct HTTP/1.1\r\n"
            + $"Host: {uri.Host}:{uri.Port}\r\n"
            + $"X-Api-Key: {LoopbackGateway.OperatorKey}\r\n"
            + "Content-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "Connection: close\r\n\r\n"
            + "zz\r\n{\"prompt\":\"x\"}\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", response, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"field\":\"body\"", response, StringComparison.Ordinal);
    }
}
