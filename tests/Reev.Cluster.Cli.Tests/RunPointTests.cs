using Reev.Cluster.Cli.Load;

namespace Reev.Cluster.Cli.Tests;

/// <summary>When in a load run a silo is hit: seconds, or a share of the flows.</summary>
public sealed class RunPointTests
{
    [Theory]
    [InlineData("3", 3.0, null)]
    [InlineData("2.5", 2.5, null)]
    [InlineData("0", 0.0, null)]
    [InlineData("30%", null, 30.0)]
    [InlineData(" 12.5 % ", null, 12.5)]
    [InlineData("0%", null, 0.0)]
    public void TryParse_SecondsOrShare(string text, double? seconds, double? percent)
    {
        Assert.True(RunPoint.TryParse(text, "--kill-silo-after", out var point, out var error), error);
        Assert.Equal(seconds, point.Seconds);
        Assert.Equal(percent, point.Percent);
    }

    [Theory]
    [InlineData("-1", "not '-1'")]
    [InlineData("soon", "not 'soon'")]
    [InlineData("%", "not '%'")]
    [InlineData("1e3", "not '1e3'")]
    [InlineData("100%", "must be under 100%")]
    [InlineData("250%", "must be under 100%")]
    public void TryParse_Refused_NamesTheOptionAndTheValue(string text, string expected)
    {
        Assert.False(RunPoint.TryParse(text, "--pause-silo-after", out _, out var error));
        Assert.StartsWith("--pause-silo-after", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0%", 200, 0)]
    [InlineData("25%", 200, 50)]
    [InlineData("30%", 150, 45)]
    [InlineData("33%", 10, 4)] // rounded up: 3.3 flows in
    [InlineData("99.9%", 10, 9)] // never past the last flow
    [InlineData("50%", 1, 0)]
    public void FlowIndex_IsTheFlowSubmittedAfterTheHit(string text, int flows, int expected)
    {
        Assert.True(RunPoint.TryParse(text, "--kill-silo-after", out var point, out _));
        Assert.Equal(expected, point.FlowIndex(flows));
    }
}
