using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Reev.Cluster.Flows.Agents.OpenAi;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Tests.Agents;

public sealed class OpenAiAgentTests
{
    [Fact]
    public async Task RunStep_FakeServerReturnsTwoToolCalls_ExecutesSwapThenDepositOfItsOutput()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        await using var server = new FakeOpenAiServer((body, index) => index switch
        {
            0 => (200, FakeOpenAiServer.ToolCalls(("call_1", ToolNames.JupiterSwap,
                $$"""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"{{TokenCatalog.UsdcMint}}","amount":1000000000}"""))),
            1 => (200, FakeOpenAiServer.ToolCalls(("call_2", ToolNames.JupiterLendEarnDeposit,
                $$"""{"user_pubkey":"USER_WALLET_PUBKEY","asset_mint":"{{TokenCatalog.UsdcMint}}","amount":{{SwapOutput(body)}}}"""))),
            _ => (200, FakeOpenAiServer.Text("Swapped 1 SOL and deposited the USDC.")),
        });
        using var http = new HttpClient();
        var agent = new OpenAiAgent(http, Options.Create(new OpenAiAgentOptions { BaseUrl = server.BaseUrl, Model = "test-model", ApiKey = "test-key" }));

        var outcome = await StepFixture.Runner(agent).RunAsync(
            fixture.Request(OpenAiAgent.AgentName, "Swap 1 SOL to USDC then lend it"), CancellationToken.None);

        Assert.True(outcome.Succeeded, $"{outcome.Error?.Kind}: {outcome.Error?.Message}");
        Assert.Equal([ToolNames.JupiterSwap, ToolNames.JupiterLendEarnDeposit], outcome.ToolCalls.Select(c => c.ToolName));
        Assert.All(outcome.ToolCalls, c => Assert.True(c.Success, c.Error?.Message));
        Assert.Equal("Swapped 1 SOL and deposited the USDC.", outcome.AgentText);
        Assert.Equal(0UL, outcome.Ledger.Find(AssociatedTokenAddress.Derive(fixture.Wallet, TokenCatalog.UsdcMint))!.Token!.Amount);
        Assert.True(outcome.Ledger.Find(AssociatedTokenAddress.Derive(fixture.Wallet, TokenCatalog.JlUsdcMint))!.Token!.Amount > 0);

        var requests = server.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal("/v1/chat/completions", r.Path));
        Assert.All(requests, r => Assert.Equal("Bearer test-key", r.Authorization));
        Assert.All(requests, r => Assert.Equal("test-model", r.Body["model"]!.GetValue<string>()));
        Assert.Equal(ToolNames.All, requests[0].Body["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()));
        Assert.Contains(fixture.Wallet, requests[0].Body["messages"]![0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var toolMessage = requests[1].Body["messages"]!.AsArray().Last()!;
        Assert.Equal("tool", toolMessage["role"]!.GetValue<string>());
        Assert.Equal("call_1", toolMessage["tool_call_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(401, false)]
    public async Task RunStep_EndpointFails_AgentFailedWithRetryHint(int status, bool retryable)
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        await using var server = new FakeOpenAiServer((_, _) => (status, """{"error":{"message":"nope"}}"""));
        using var http = new HttpClient();
        var agent = new OpenAiAgent(http, Options.Create(new OpenAiAgentOptions { BaseUrl = server.BaseUrl, Model = "m", ApiKey = "secret-key" }));

        var outcome = await StepFixture.Runner(agent).RunAsync(fixture.Request(OpenAiAgent.AgentName), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(FlowErrorKind.AgentFailed, outcome.Error!.Kind);
        Assert.Equal(retryable, outcome.Error.Retryable);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Empty(outcome.ToolCalls);
    }

    [Theory]
    [InlineData("""{"choices":[]}""", "no choices[0].message")]
    [InlineData("""{"choices":"oops"}""", "no choices[0].message")]
    [InlineData("""[1, 2]""", "no choices[0].message")]
    [InlineData("""{"choices":[{"message":"hi"}]}""", "no choices[0].message")]
    [InlineData("""{"choices":[{"message":{"tool_calls":[7]}}]}""", "tool call without a function")]
    [InlineData("""{"choices":[{"message":{"tool_calls":[{"id":{"a":1},"function":{"name":"get_account_balance"}}]}}]}""", "id that is not a string")]
    [InlineData("""{"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":42}}]}}]}""", "function name is not a string")]
    public async Task RunStep_Odd200Response_PermanentAgentFailureNotARawException(string response, string mention)
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        await using var server = new FakeOpenAiServer((_, _) => (200, response));
        using var http = new HttpClient();
        var agent = new OpenAiAgent(http, Options.Create(new OpenAiAgentOptions { BaseUrl = server.BaseUrl, Model = "m" }));

        var outcome = await StepFixture.Runner(agent).RunAsync(fixture.Request(OpenAiAgent.AgentName), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(FlowErrorKind.AgentFailed, outcome.Error!.Kind);
        Assert.False(outcome.Error.Retryable);
        Assert.Contains(mention, outcome.Error.Message, StringComparison.Ordinal);
        Assert.Empty(outcome.ToolCalls);
    }

    [Fact]
    public async Task RunStep_PublicEndpointWithoutKey_PermanentFailureNamingTheSettingWithoutARequest()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        using var handler = new CountingHandler();
        using var http = new HttpClient(handler);
        var agent = new OpenAiAgent(http, Options.Create(new OpenAiAgentOptions()));

        var outcome = await StepFixture.Runner(agent).RunAsync(fixture.Request(OpenAiAgent.AgentName), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(FlowErrorKind.AgentFailed, outcome.Error!.Kind);
        Assert.False(outcome.Error.Retryable, "a missing key does not come back on a retry");
        Assert.Contains("Reev:Agents:OpenAi:ApiKey", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Reev__Agents__OpenAi__ApiKey", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Requests);
    }

    [Fact]
    public async Task RunStep_PublicEndpointWithKey_IsCalled()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        using var handler = new CountingHandler();
        using var http = new HttpClient(handler);
        var agent = new OpenAiAgent(http, Options.Create(new OpenAiAgentOptions { ApiKey = "sk-test" }));

        var outcome = await StepFixture.Runner(agent).RunAsync(fixture.Request(OpenAiAgent.AgentName), CancellationToken.None);

        Assert.Equal(1, handler.Requests);
        Assert.DoesNotContain("Reev:Agents:OpenAi:ApiKey", outcome.Error?.Message ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunStep_NumericToolCallId_IsUsedAsText()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        await using var server = new FakeOpenAiServer((_, index) => index == 0
            ? (200, """{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":17,"type":"function","function":{"name":"get_account_balance","arguments":{"pubkey":"USER_WALLET_PUBKEY"}}}]}}]}""")
            : (200, FakeOpenAiServer.Text("Checked.")));
        using var http = new HttpClient();
        var agent = new OpenAiAgent(http, Options.Create(new OpenAiAgentOptions { BaseUrl = server.BaseUrl, Model = "m" }));

        var outcome = await StepFixture.Runner(agent).RunAsync(fixture.Request(OpenAiAgent.AgentName), CancellationToken.None);

        Assert.True(outcome.Succeeded, $"{outcome.Error?.Kind}: {outcome.Error?.Message}");
        Assert.Equal(ToolNames.GetAccountBalance, Assert.Single(outcome.ToolCalls).ToolName);
        Assert.Equal("17", server.Requests[1].Body["messages"]!.AsArray().Last()!["tool_call_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunStep_ModelCallsToolWithBadArguments_ErrorIsFedBackAndRecorded()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        await using var server = new FakeOpenAiServer((_, index) => index == 0
            ? (200, FakeOpenAiServer.ToolCalls(("call_1", ToolNames.JupiterSwap, """{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"FOO","amount":"-5"}""")))
            : (200, FakeOpenAiServer.Text("I could not swap.")));
        using var http = new HttpClient();
        var agent = new OpenAiAgent(http, Options.Create(new OpenAiAgentOptions { BaseUrl = server.BaseUrl, Model = "m" }));

        var outcome = await StepFixture.Runner(agent).RunAsync(fixture.Request(OpenAiAgent.AgentName), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(FlowErrorKind.InvalidMint, outcome.Error!.Kind);
        Assert.Contains("output_mint", outcome.Error.Message, StringComparison.Ordinal);
        var fedBack = server.Requests[1].Body["messages"]!.AsArray().Last()!["content"]!.GetValue<string>();
        Assert.Contains("InvalidMint", fedBack, StringComparison.Ordinal);
        Assert.Null(server.Requests[1].Authorization);
    }

    private static ulong SwapOutput(JsonObject body)
    {
        var toolMessage = body["messages"]!.AsArray().Last(m => m!["role"]!.GetValue<string>() == "tool")!;
        return JsonNode.Parse(toolMessage["content"]!.GetValue<string>())!["out_amount"]!.GetValue<ulong>();
    }

    /// <summary>Answers every request with a text reply, counting them: nothing leaves the machine.</summary>
    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent(FakeOpenAiServer.Text("Nothing to do."), System.Text.Encoding.UTF8, "application/json"),
            });
        }
    }
}
