using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Plans;
using Reev.Cluster.Planning.Tests.Support;

namespace Reev.Cluster.Planning.Tests.Bridge;

public sealed class BridgeModeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "reev-plan-tests-" + Guid.NewGuid().ToString("N"));
    private readonly PlannerFixture _fixture;

    public BridgeModeTests() => _fixture = new PlannerFixture(new PlanningOptions { BridgeDirectory = _directory });

    [Theory]
    [InlineData("swap 0.1 SOL to USDC")]
    [InlineData("use 50% of my SOL to buy USDC")]
    [InlineData("swap 1 SOL to USDC then lend it")]
    [InlineData("send 0.5 SOL to 9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM")]
    [InlineData("Lend 50 USDC, then withdraw 10 USDC and after that check my balances")]
    public async Task PlanAsync_BridgeAndDirect_ProduceEqualPlansAndDocuments(string prompt)
    {
        var ledger = _fixture.SolWallet(5m, (TokenCatalog.UsdcMint, 100_000_000));

        var direct = await _fixture.PlanFlowAsync(prompt, ledger, PlanningMode.Direct, "plan-equality");
        var bridge = await _fixture.PlanFlowAsync(prompt, ledger, PlanningMode.Bridge, "plan-equality");

        Assert.Equal(PlanningMode.Direct, direct.Mode);
        Assert.Equal(PlanningMode.Bridge, bridge.Mode);
        Assert.Equal(direct.Plan, bridge.Plan);
        Assert.Equal(direct.Document, bridge.Document);
        Assert.Null(direct.Yaml);
        Assert.NotNull(bridge.Yaml);
    }

    [Fact]
    public async Task PlanAsync_Bridge_FileIsADynamicFlowWithStepsLoadedByTheFlowsLoaderAndRemoved()
    {
        var flow = await _fixture.PlanFlowAsync("swap 1 SOL to USDC then lend it", _fixture.SolWallet(5m), PlanningMode.Bridge);

        Assert.NotNull(flow.BridgeFile);
        Assert.StartsWith(_directory, flow.BridgeFile, StringComparison.Ordinal);
        Assert.False(File.Exists(flow.BridgeFile), "the bridge file must be removed after loading");
        Assert.Empty(Directory.EnumerateFiles(_directory));
        Assert.Contains("flow_type: dynamic", flow.Yaml, StringComparison.Ordinal);
        Assert.Contains("\nflow:\n", flow.Yaml, StringComparison.Ordinal);

        // The same parser as the reference files.
        var loaded = FlowFileLoader.Parse(flow.Yaml!, "bridge.yml");
        Assert.True(loaded.IsSuccess, loaded.Error?.ToString());
        var document = loaded.Document;
        Assert.Equal(FlowType.Dynamic, document.FlowType);
        Assert.Equal(flow.Plan.Steps.Count, document.Flow.Count);
        Assert.Equal(flow.Plan.Steps.Select(static s => s.Prompt), document.Flow.Select(static s => s.Prompt));
        Assert.Equal(["step_2_result"], document.Flow[2].DependsOn);
    }

    [Fact]
    public async Task PlanAsync_Document_WalletIsOwnedBySystemProgramWithItsRealBalances()
    {
        var flow = await _fixture.PlanFlowAsync("swap 0.1 SOL to USDC", _fixture.SolWallet(2m, (TokenCatalog.UsdtMint, 7_000_000)), PlanningMode.Bridge);

        var wallet = flow.Document.InitialState[0];
        Assert.Equal(PlaceholderNames.Wallet, wallet.Pubkey);
        Assert.Equal(ProgramIds.System, wallet.Owner);
        Assert.Equal(2_000_000_000UL, wallet.Lamports);
        var usdt = Assert.Single(flow.Document.InitialState, static i => i.Data?.Mint == TokenCatalog.UsdtMint);
        Assert.Equal(7_000_000UL, usdt.Data!.Amount);
        Assert.Equal(PlaceholderNames.Wallet, usdt.Data.Owner);
        Assert.Contains(flow.Document.InitialState, static i => i.Pubkey == "USER_USDC_ATA" && i.Data!.Amount == 0);
    }

    [Fact]
    public async Task PlanAsync_Document_PreparesWithTheFlowsLibrary()
    {
        var flow = await _fixture.PlanFlowAsync("swap 1 SOL to USDC then lend it", _fixture.SolWallet(5m), PlanningMode.Bridge);

        var prepared = Flows.Running.FlowPreparation.Prepare(flow.Document, seed: 7);

        Assert.True(prepared.IsSuccess, prepared.Error?.ToString());
        var wallet = prepared.Flow.KeyMap.Resolve(PlaceholderNames.Wallet);
        Assert.Equal(5_000_000_000UL, prepared.Flow.InitialLedger.LamportsOf(wallet));
    }

    [Fact]
    public void FromDocument_ReferenceFileWithoutPlan_IsAnError()
    {
        var document = FlowFileLoader.ParseOrThrow("""
            id: x
            description: d
            tags: [dynamic]
            initial_state:
              - pubkey: USER_WALLET_PUBKEY
                owner: "11111111111111111111111111111111"
                lamports: 1
            prompt: p
            ground_truth:
              final_state_assertions: []
            """);

        var decoded = PlanDocuments.FromDocument(document);

        Assert.False(decoded.IsSuccess);
        Assert.Contains("not a planned flow", decoded.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_NoPlanId_GeneratesDynamicIdFromTheClock()
    {
        var flow = await _fixture.PlanFlowAsync("swap 0.1 SOL to USDC", _fixture.SolWallet(1m), PlanningMode.Direct);

        Assert.Matches($"^dynamic-{PlannerFixture.Start.ToUnixTimeSeconds()}-[0-9a-f]{{8}}$", flow.Plan.PlanId);
        Assert.Equal(PlannerFixture.Start, flow.Plan.CreatedAt);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
