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

    /// <summary>How often an event stream looks for new events. Default 200 ms.</summary>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Comment lines keep idle event streams open through proxies. Default 15 s.</summary>
    public TimeSpan EventHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Key that seals listing cursors (any string; gateways of one cluster share it). A built-in one when empty.</summary>
    public string? CursorKey { get; set; }
}
