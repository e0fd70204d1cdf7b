using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>
/// The appsettings.json shipped beside the gateway's binaries, read whatever the working directory. The content root
/// stays the working directory (a relative <c>--benchmarks</c> is the caller's), so without this a gateway started
/// from elsewhere (deploy/local, a benchmark, a service manager) ran without its shipped defaults, its request log
/// among them: six lines per request.
/// </summary>
internal static class ShippedSettings
{
    private const string FileName = "appsettings.json";

    /// <summary>
    /// Adds the shipped file as the lowest layer of the app's settings, under the content root's own appsettings.json
    /// (when there is one), the environment and the command line, which override it as before.
    /// </summary>
    public static void Add(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var shipped = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(shipped) ||
            string.Equals(Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, FileName)), Path.GetFullPath(shipped), StringComparison.Ordinal))
        {
            return;
        }

        var sources = builder.Configuration.Sources;
        var at = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: FileName })
            {
                at = i;
                break;
            }
        }

        sources.Insert(at, new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = FileName,
            Optional = true,
            ReloadOnChange = false,
        });
    }
}
