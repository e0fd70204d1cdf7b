using System.Globalization;

namespace Reev.Cluster.Cli.Load;

/// <summary>
/// When in a load run a silo is killed or paused: a number of seconds from the run's start ("3", "2.5"), or a share of
/// the flows ("30%"): the silo is hit before the flow at that share is submitted, so the rest of the flows run with it
/// gone whatever the machine's speed (a fast machine can finish a short run before a time is reached).
/// </summary>
internal readonly record struct RunPoint
{
    private RunPoint(double? seconds, double? percent)
    {
        Seconds = seconds;
        Percent = percent;
    }

    /// <summary>Seconds into the run, or null when the point is a share of the flows.</summary>
    public double? Seconds { get; }

    /// <summary>A share of the flows in percent (0 to under 100), or null when the point is a time.</summary>
    public double? Percent { get; }

    /// <summary>Parses <paramref name="text"/> for <paramref name="option"/>; the error names the option and what it accepts.</summary>
    public static bool TryParse(string text, string option, out RunPoint point, out string? error)
    {
        point = default;
        error = null;
        var trimmed = text.Trim();
        var isShare = trimmed.EndsWith('%');
        var number = isShare ? trimmed[..^1].TrimEnd() : trimmed;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            error = $"{option} takes seconds into the run (e.g. 3) or a share of the flows (e.g. 30%), not '{text}'";
            return false;
        }

        if (isShare && value >= 100)
        {
            error = $"{option} {text}: a share of the flows must be under 100% (the silo is hit before the flow at that share starts)";
            return false;
        }

        point = isShare ? new RunPoint(null, value) : new RunPoint(value, null);
        return true;
    }

    /// <summary>The flow (0-based) before whose submission a share-based point is reached, for a run of <paramref name="flows"/>.</summary>
    public int FlowIndex(int flows) => Math.Clamp((int)Math.Ceiling(flows * Percent!.Value / 100), 0, flows - 1);

    public override string ToString() =>
        Seconds is { } seconds ? seconds.ToString("0.###", CultureInfo.InvariantCulture) : Percent!.Value.ToString("0.###", CultureInfo.InvariantCulture) + "%";
}
