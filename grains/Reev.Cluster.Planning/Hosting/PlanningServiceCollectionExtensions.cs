using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Diagnostics;
using Reev.Cluster.Planning.Templates;

namespace Reev.Cluster.Planning.Hosting;

/// <summary>Registration of the planning component.</summary>
public static class PlanningServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PromptPlanner"/> and its parts as singletons (the caches live as long as the host):
    /// options from <c>Reev:Planning</c>, validated at start; <see cref="TimeProvider.System"/> unless one is registered;
    /// instruments on the host's <see cref="IMeterFactory"/> when there is one.
    /// </summary>
    public static IServiceCollection AddReevPlanning(this IServiceCollection services, Action<PlanningOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PlanningOptions>().BindConfiguration(PlanningOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new PlanningMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(static sp => new ContextResolver(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<PlanningMetrics>(), sp.GetRequiredService<IOptions<PlanningOptions>>().Value));
        services.TryAddSingleton(static sp => new TemplateEngine(sp.GetRequiredService<ContextResolver>(), sp.GetRequiredService<PlanningMetrics>()));
        services.TryAddSingleton(static sp => new PromptPlanner(
            sp.GetRequiredService<ContextResolver>(),
            sp.GetRequiredService<TemplateEngine>(),
            sp.GetRequiredService<PlanningMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<PlanningOptions>>().Value,
            sp.GetService<ILogger<PromptPlanner>>()));
        return services;
    }
}
