using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>
/// The gateway's own Program on the ASP.NET Core test host: an embedded in-memory silo plus the gateway, with three
/// API keys (reader, operator, admin). Extra settings come from <see cref="Settings"/>.
/// </summary>
public class GatewayFactory : WebApplicationFactory<Program>
{
    public const string ReaderKey = "reader-key-0123456789";
    public const string OperatorKey = "operator-key-0123456789";
    public const string AdminKey = "admin-key-0123456789abc";

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Reev:Gateway:ApiKeys:0:Name"] = "reader",
        ["Reev:Gateway:ApiKeys:0:Key"] = ReaderKey,
        ["Reev:Gateway:ApiKeys:0:Role"] = "reader",
        ["Reev:Gateway:ApiKeys:1:Name"] = "operator",
        ["Reev:Gateway:ApiKeys:1:Key"] = OperatorKey,
        ["Reev:Gateway:ApiKeys:1:Role"] = "Operator",
        ["Reev:Gateway:ApiKeys:2:Name"] = "admin",
        ["Reev:Gateway:ApiKeys:2:Key"] = AdminKey,
        ["Reev:Gateway:ApiKeys:2:Role"] = "ADMIN",
        ["Reev:Gateway:RateLimitPermits"] = "100000",
        ["Reev:Gateway:EventPollInterval"] = "00:00:00.050",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient Reader() => WithKey(ReaderKey);

    public HttpClient Operator() => WithKey(OperatorKey);

    public HttpClient Admin() => WithKey(AdminKey);

    public HttpClient Anonymous() => CreateClient();

    private HttpClient WithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.Timeout = TimeSpan.FromSeconds(60);
        return client;
    }

    public static AuthenticationHeaderValue Bearer(string key) => new("Bearer", key);
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFactory>
{
    public const string Name = "gateway";
}
