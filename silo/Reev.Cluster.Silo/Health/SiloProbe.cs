using System.Net;
using Microsoft.Extensions.Configuration;
using Reev.Cluster.Silo.Hosting;

namespace Reev.Cluster.Silo.Health;

/// <summary>
/// <c>Reev.Cluster.Silo --probe live|ready</c>: asks a running silo of the same configuration for its health and exits
/// 0 (healthy) or 1. The container HEALTHCHECK uses it: the runtime image has no curl.
/// </summary>
internal static class SiloProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string kind, string[] args, TextWriter output)
    {
        if (kind is not ("live" or "ready"))
        {
            await output.WriteLineAsync($"reev-silo: --probe takes 'live' or 'ready', not '{kind}'.").ConfigureAwait(false);
            return SiloExitCodes.BadConfiguration;
        }

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args, new Dictionary<string, string>(SiloHostConfiguration.SwitchMappings))
            .Build();
        var options = configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
        var address = IPAddress.TryParse(options.ListenAddress, out var listen) && !listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any)
            ? listen
            : IPAddress.Loopback;
        var uri = new Uri($"http://{new IPEndPoint(address, options.Port)}/health/{kind}");
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(uri).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return 0;
            }

            await output.WriteLineAsync($"reev-silo: {uri} answered {(int)response.StatusCode}.").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"reev-silo: {uri} did not answer: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
