namespace Reev.Cluster.Gateway.Hosting;

/// <summary>One API key (<c>Reev:Gateway:ApiKeys:N:Name|Key|Role</c>).</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Who holds the key; recorded as the submitter of executions, never the key itself.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The secret, sent as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>; at least 16 characters.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary><c>reader</c> (GETs), <c>operator</c> (also run, cancel, answer) or <c>admin</c> (also recovery configuration).</summary>
    public string Role { get; set; } = "reader";
}
