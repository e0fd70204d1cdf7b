using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Reev.Cluster.Cli.Hosting;

/// <summary>
/// Configuration of the embedded silo's services, from environment variables named like configuration keys with
/// <c>__</c> for <c>:</c> (<c>Reev__Agents__OpenAi__ApiKey</c>). Only the <c>Reev</c> section is read.
/// </summary>
internal static class CliConfiguration
{
    private const string Prefix = "Reev__";

    public static IConfiguration FromEnvironment()
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                values[key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = entry.Value as string;
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
