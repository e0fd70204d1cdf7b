namespace Reev.Cluster.Client.Gateway;

/// <summary>A problem+json answer of the gateway: status, machine code, the failing field when one is to blame.</summary>
public sealed record GatewayProblem(int Status, string Code, string Title, string? Detail, string? Field)
{
    public override string ToString() => Field is null ? $"{Status} {Code}: {Detail ?? Title}" : $"{Status} {Code} ({Field}): {Detail ?? Title}";
}

/// <summary>A gateway answer: the value, or the problem (expected outcomes such as 404 or 409 are results, not exceptions).</summary>
public readonly record struct GatewayResponse<T>(T? Value, GatewayProblem? Problem)
    where T : class
{
    public bool IsSuccess => Problem is null;
}
