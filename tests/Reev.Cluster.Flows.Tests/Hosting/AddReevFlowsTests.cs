using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Agents.OpenAi;
using Reev.Cluster.Flows.Hosting;
using Reev.Cluster.Flows.Running;

namespace Reev.Cluster.Flows.Tests.Hosting;

public sealed class AddReevFlowsTests
{
    [Fact]
    public async Task AddReevFlows_Resolves_RunnersWithTheThreeAgentsAndBoundOptions()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Reev:Agents:OpenAi:BaseUrl"] = "http://127.0.0.1:1234/v1/",
            ["Reev:Agents:OpenAi:Model"] = "local-model",
            ["Reev:Flows:DefaultStepTimeout"] = "00:00:45",
        });

        var registry = provider.GetRequiredService<AgentRegistry>();
        var options = provider.GetRequiredService<IOptions<OpenAiAgentOptions>>().Value;
        var flows = provider.GetRequiredService<FlowRunner>();
        var result = await flows.RunAsync(BenchmarkFiles.Load("001-sol-transfer"), FlowRunOptions.Default, CancellationToken.None);

        Assert.Equal([DeterministicAgent.AgentName, NoopAgent.AgentName, OpenAiAgent.AgentName], registry.Names);
        Assert.Equal("local-model", options.Model);
        Assert.Equal(new Uri("http://127.0.0.1:1234/v1/"), options.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(45), provider.GetRequiredService<IOptions<StepRunnerOptions>>().Value.DefaultStepTimeout);
        Assert.True(result.Report!.Score.Passed);
    }

    [Fact]
    public void AddReevFlows_InvalidOpenAiOptions_FailValidation()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Reev:Agents:OpenAi:MaxTurns"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OpenAiAgentOptions>>().Value);

        Assert.Contains("MaxTurns", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddReevFlows();
        return services.BuildServiceProvider();
    }
}
