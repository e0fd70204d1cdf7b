using System.ComponentModel.DataAnnotations;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>Settings of the API gateway (section <c>Reev:Gateway</c>). Defaults are documented constants.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Reev:Gateway";
    public const int DefaultMaxRequestBodyBytes = 64 * 1024;
    public const int DefaultRateLimitPermits = 600;

    /// <summary>Folder of flow files for <c>/api/v1/benchmarks</c>; default <c>../shared/benchmarks</c> beside the checkout.</summary>
    public string? BenchmarksDirectory { get; set; }

    /// <summary>API keys and their roles. None configured: open, but only to loopback clients.</summary>
    public IList<ApiKeyOptions> ApiKeys { get; } = [];

    /// <summary>Largest accepted request body (bytes); larger bodies get 413. Default 64 KiB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>Requests per API key (or per client address when open) in one <see cref="RateLimitWindow"/>. Default 600.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitPermits { get; set; } = DefaultRateLimitPermits;

    /// <summary>The rate-limit window. Default 1 minute.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the gateway looks for changes of the executions its event streams follow (one read-model query for all of them). Default 200 ms.</summary>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Comment lines keep idle event streams open through proxies. Default 15 s.</summary>
    public TimeSpan EventHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Key that seals listing cursors (any string; gateways of one cluster share it). A built-in one when empty.</summary>
    public string? CursorKey { get; set; }

    /// <summary>What is wrong with these settings, each naming its key; empty when they are usable. Checked at start.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxRequestBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            problems.Add($"{SectionName}:MaxRequestBodyBytes must be between 1024 and 16777216, not {MaxRequestBodyBytes}.");
        }

        if (RateLimitPermits is < 1 or > 1_000_000)
        {
            problems.Add($"{SectionName}:RateLimitPermits must be between 1 and 1000000, not {RateLimitPermits}.");
        }

        if (RateLimitWindow <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:RateLimitWindow must be positive, not {RateLimitWindow}.");
        }

        if (EventPollInterval < TimeSpan.FromMilliseconds(10))
        {
            problems.Add($"{SectionName}:EventPollInterval must be at least 10 ms, not {EventPollInterval}.");
        }

        if (EventHeartbeatInterval <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:EventHeartbeatInterval must be positive, not {EventHeartbeatInterval}.");
        }

        for (var i = 0; i < ApiKeys.Count; i++)
        {
            var key = ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                problems.Add($"{SectionName}:ApiKeys:{i}:Name is required.");
            }

            if ((key.Key ?? string.Empty).Length < 16)
            {
                problems.Add($"{SectionName}:ApiKeys:{i}:Key ('{key.Name}') needs at least 16 characters.");
            }

            if (!Http.LenientEnumConverterFactory.TryParse<Security.GatewayRole>(key.Role, out _))
            {
                problems.Add($"{SectionName}:ApiKeys:{i}:Role '{key.Role}' ('{key.Name}') is not reader, operator or admin.");
            }
        }

        return problems;
    }
}
