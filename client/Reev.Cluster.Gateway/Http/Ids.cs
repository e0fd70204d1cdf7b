using System.Text.RegularExpressions;

namespace Reev.Cluster.Gateway.Http;

/// <summary>Shapes of ids in routes and headers; anything else is a 400 before a grain is touched.</summary>
internal static partial class Ids
{
    /// <summary>Execution ids, step session keys (<c>id:2:alt1</c>), consolidated session ids.</summary>
    public static bool IsValid(string? id) => id is { Length: > 0 and <= 200 } && IdPattern().IsMatch(id);

    /// <summary>Flow file ids (file stems).</summary>
    public static bool IsBenchmarkId(string? id) => id is { Length: > 0 and <= 200 } && BenchmarkPattern().IsMatch(id);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.:-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex BenchmarkPattern();
}
