using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Postgres;

namespace Reev.Cluster.Grains.Executions;

/// <summary>What an execution was started with and never changes: stored once, beside its state (ADR 0022).</summary>
public sealed record ExecutionInputs(ExecutionRequest Request, KeyMap? KeyMap, LedgerSnapshot? InitialLedger);

/// <summary>Reads back the inputs an execution stored when it started, for its grain's activation from storage.</summary>
public interface IExecutionInputsStore
{
    /// <summary>The inputs stored for the execution, or null when none were.</summary>
    Task<ExecutionInputs?> LoadAsync(string executionId, CancellationToken cancellationToken);
}

/// <summary>Registration of the inputs store that matches a provider.</summary>
public static class ExecutionInputsStores
{
    /// <summary>
    /// Registers the store for the provider's read models. Without one, executions keep their inputs in their state, as
    /// before ADR 0022 (a host that registers its grains by hand and no store stays correct, only writes more).
    /// </summary>
    public static IServiceCollection AddReevExecutionInputs(this IServiceCollection services, ClusterProvider provider)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(provider);
        switch (provider)
        {
            case InMemoryClusterProvider memory:
                services.TryAddSingleton<IExecutionInputsStore>(new InMemoryExecutionInputsStore(memory));
                break;
            case PostgresClusterProvider postgres:
                services.TryAddSingleton<IExecutionInputsStore>(_ => new PostgresExecutionInputsStore(postgres.ConnectionString));
                break;
        }

        return services;
    }

    /// <summary>
    /// The inputs an execution stored, for a grain whose stored state or command left them out (<paramref name="reader"/>
    /// names it in the error): they were committed with what refers to them, so missing ones are a clear error.
    /// </summary>
    public static async Task<ExecutionInputs> RequireAsync(this IExecutionInputsStore? store, string executionId, string reader, CancellationToken cancellationToken)
    {
        var stored = store is null ? null : await store.LoadAsync(executionId, cancellationToken).ConfigureAwait(false);
        return stored ?? throw new InvalidOperationException(
            $"{reader} leaves the flow to execution {executionId}'s stored inputs, but {(store is null ? "this silo has no inputs store" : "none were found")}");
    }
}

internal sealed class InMemoryExecutionInputsStore(InMemoryClusterProvider provider) : IExecutionInputsStore
{
    public Task<ExecutionInputs?> LoadAsync(string executionId, CancellationToken cancellationToken) =>
        Task.FromResult(provider.ReadRow<ExecutionInputsRow>(ExecutionInputsRow.TableName, executionId)?.Inputs);
}

/// <summary>Reads reev_execution_inputs through a small pool of its own (activations from storage are rare: failover, a restart).</summary>
internal sealed class PostgresExecutionInputsStore : IExecutionInputsStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresExecutionInputsStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 4, MinPoolSize = 0 };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public async Task<ExecutionInputs?> LoadAsync(string executionId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT inputs FROM reev_execution_inputs WHERE execution_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = executionId });
        var json = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return json is null ? null : JsonSerializer.Deserialize<ExecutionInputs>(json, Hosting.ReevGrains.SerializerOptions);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
