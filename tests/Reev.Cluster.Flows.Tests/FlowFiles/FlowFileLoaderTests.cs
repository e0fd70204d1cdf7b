using Reev.Cluster.Flows.FlowFiles;

namespace Reev.Cluster.Flows.Tests.FlowFiles;

public sealed class FlowFileLoaderTests
{
    [Theory]
    [InlineData("001-sol-transfer", 1, 2, 1)]
    [InlineData("002-spl-transfer", 1, 2, 1)]
    [InlineData("003-spl-transfer-fail", 1, 2, 1)]
    [InlineData("004-partial-score-spl-transfer", 1, 2, 1)]
    [InlineData("100-jup-swap-sol-usdc", 1, 2, 0)]
    [InlineData("110-jup-lend-deposit-sol", 1, 1, 0)]
    [InlineData("111-jup-lend-deposit-usdc", 1, 2, 0)]
    [InlineData("112-jup-lend-withdraw-sol", 1, 2, 0)]
    [InlineData("113-jup-lend-withdraw-usdc", 1, 2, 0)]
    [InlineData("114-jup-positions-and-earnings", 1, 1, 0)]
    [InlineData("115-jup-lend-mint-usdc", 1, 2, 0)]
    [InlineData("116-jup-lend-redeem-usdc", 2, 2, 0)]
    [InlineData("200-jup-swap-then-lend-deposit", 2, 2, 0)]
    [InlineData("300-jup-swap-then-lend-deposit-dyn", 1, 4, 0)]
    [InlineData("301-dynamic-yield-optimization", 1, 4, 0)]
    [InlineData("302-portfolio-rebalancing", 1, 5, 0)]
    [InlineData("303-risk-adjusted-growth", 1, 5, 0)]
    [InlineData("304-emergency-exit-strategy", 1, 5, 0)]
    [InlineData("305-yield-farming-optimization", 1, 7, 0)]
    public void Load_ReferenceFile_HasExpectedStepAndAssertionCounts(string id, int steps, int assertions, int instructions)
    {
        var document = BenchmarkFiles.Load(id);

        Assert.Equal(id, document.Id);
        Assert.Equal(steps, document.StepCount);
        Assert.Equal(assertions, document.GroundTruth.FinalStateAssertions.Count);
        Assert.Equal(instructions, document.GroundTruth.ExpectedInstructions.Count);
    }

    [Fact]
    public void Load_AllReferenceFiles_EveryFileLoadsAndIsCovered()
    {
        var files = Directory.GetFiles(BenchmarkFiles.Directory, "*.yml");

        Assert.Equal(19, files.Length);
        foreach (var file in files)
        {
            var result = FlowFileLoader.Load(file);
            Assert.True(result.IsSuccess, $"{Path.GetFileName(file)}: {result.Error}");
        }
    }
}
