using System.ComponentModel.DataAnnotations;

namespace Reev.Cluster.Flows.Agents.OpenAi;

/// <summary>Options of the <c>openai</c> agent (any OpenAI-compatible chat-completions endpoint).</summary>
public sealed class OpenAiAgentOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Reev:Agents:OpenAi";

    /// <summary>Default <see cref="BaseUrl"/>.</summary>
    public const string DefaultBaseUrl = "https://api.openai.com/v1/";

    /// <summary>Default <see cref="Model"/>.</summary>
    public const string DefaultModel = "gpt-4o-mini";

    /// <summary>Default <see cref="MaxTurns"/>.</summary>
    public const int DefaultMaxTurns = 8;

    /// <summary>Default <see cref="RequestTimeout"/>: 60 s.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Base URL; <c>chat/completions</c> is appended. Default <see cref="DefaultBaseUrl"/>.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new(DefaultBaseUrl);

    /// <summary>Model name sent with every request. Default <see cref="DefaultModel"/>.</summary>
    [Required]
    [MinLength(1)]
    public string Model { get; set; } = DefaultModel;

    /// <summary>Bearer key; none for local servers. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Most chat round trips per step. Default <see cref="DefaultMaxTurns"/>.</summary>
    [Range(1, 50)]
    public int MaxTurns { get; set; } = DefaultMaxTurns;

    /// <summary>Timeout of one HTTP request. Default <see cref="DefaultRequestTimeout"/>.</summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;
}
