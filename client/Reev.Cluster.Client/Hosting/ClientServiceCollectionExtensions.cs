using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Reev.Cluster.Client.Hosting;

/// <summary>Registration of the cluster client.</summary>
public static class ClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IReevCluster"/> for a cluster reached through PostgreSQL (section <c>Reev:Client</c>),
    /// connected when the host starts. A host that co-hosts a silo registers its own <see cref="IReevCluster"/> first.
    /// </summary>
    public static IServiceCollection AddReevClusterClient(this IServiceCollection services, Action<ReevClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ReevClusterClientOptions>().BindConfiguration(ReevClusterClientOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RemoteReevCluster>();
        services.TryAddSingleton<IReevCluster>(static sp => sp.GetRequiredService<RemoteReevCluster>());
        services.AddHostedService(static sp => sp.GetRequiredService<RemoteReevCluster>());
        return services;
    }
}
