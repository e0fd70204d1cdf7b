using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Agents.OpenAi;
using Reev.Cluster.Flows.Diagnostics;
using Reev.Cluster.Flows.Running;

namespace Reev.Cluster.Flows.Hosting;

/// <summary>Registration of the flow domain.</summary>
public static class FlowsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the agents (<c>deterministic</c>, <c>noop</c>, <c>openai</c> bound to <see cref="OpenAiAgentOptions.SectionName"/>),
    /// <see cref="AgentRegistry"/>, <see cref="StepRunner"/> (options from <see cref="StepRunnerOptions.SectionName"/>),
    /// <see cref="FlowRunner"/>, <see cref="FlowsMetrics"/> and <see cref="TimeProvider.System"/> unless already registered.
    /// </summary>
    public static IServiceCollection AddReevFlows(
        this IServiceCollection services,
        Action<StepRunnerOptions>? configure = null,
        Action<OpenAiAgentOptions>? configureOpenAi = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var stepOptions = services.AddOptions<StepRunnerOptions>().BindConfiguration(StepRunnerOptions.SectionName)
            .Validate(static o => o.DefaultStepTimeout > TimeSpan.Zero, "Reev:Flows:DefaultStepTimeout must be positive")
            .ValidateOnStart();
        if (configure is not null)
        {
            stepOptions.Configure(configure);
        }

        var openAiOptions = services.AddOptions<OpenAiAgentOptions>().BindConfiguration(OpenAiAgentOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(static o => o.RequestTimeout > TimeSpan.Zero, "Reev:Agents:OpenAi:RequestTimeout must be positive")
            .ValidateOnStart();
        if (configureOpenAi is not null)
        {
            openAiOptions.Configure(configureOpenAi);
        }

        services.AddHttpClient(OpenAiAgent.HttpClientName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new FlowsMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFlowAgent, DeterministicAgent>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFlowAgent, NoopAgent>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFlowAgent, OpenAiAgent>(static sp => new OpenAiAgent(
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IOptions<OpenAiAgentOptions>>(),
            sp.GetRequiredService<FlowsMetrics>(),
            sp.GetService<ILogger<OpenAiAgent>>(),
            sp.GetRequiredService<TimeProvider>())));
        services.TryAddSingleton(static sp => new AgentRegistry(sp.GetServices<IFlowAgent>()));
        services.TryAddSingleton(static sp => new StepRunner(
            sp.GetRequiredService<AgentRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<FlowsMetrics>(),
            sp.GetService<ILogger<StepRunner>>(),
            sp.GetRequiredService<IOptions<StepRunnerOptions>>().Value));
        services.TryAddSingleton(static sp => new FlowRunner(
            sp.GetRequiredService<StepRunner>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<FlowRunner>>()));
        return services;
    }
}
