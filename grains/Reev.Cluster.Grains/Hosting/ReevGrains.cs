using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Reev.Cluster.Flows.Hosting;
using Reev.Cluster.Grains.Steps;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Grains.Hosting;

/// <summary>Everything a silo needs to host the execution grains.</summary>
public static class ReevGrains
{
    /// <summary>The grain classes of this assembly.</summary>
    public static GrainRegistry Registry() => new GrainRegistry().AddAssembly(typeof(ReevGrains).Assembly);

    /// <summary>JSON for messages and state: web defaults, enums by name.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateSerializerOptions();

    /// <summary>Registers the flow domain and the grains' services.</summary>
    public static IServiceCollection AddReevGrains(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Options bind from configuration; a host without configuration gets an empty one (all defaults).
        services.TryAddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(_ => new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddReevFlows();
        services.TryAddSingleton<StepCancellations>();
        services.TryAddSingleton(Executions.ExecutionWatchdogOptions.Default);
        return services;
    }

    private static JsonSerializerOptions CreateSerializerOptions()
    {
        // State and messages are written every turn: leave out nulls and computed (get-only) members.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            IgnoreReadOnlyProperties = true,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        // Flow documents, ledger snapshots and key maps ride along unchanged in states and messages turn after turn.
        options.Converters.Add(Flows.Serialization.InstanceJsonCache.ForFlows());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
