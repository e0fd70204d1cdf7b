using Reev.Cluster.Client;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Diagrams;

/// <summary>One step session of an execution: its read-model row and (when its grain answered) the whole session with every attempt.</summary>
internal sealed record SessionDetail(StepSessionSummary Row, StepSession? Session)
{
    /// <summary>0 for the planned step, N for its Nth alternate (from the key's <c>:altN</c> suffix).</summary>
    public int AlternateNumber => Row.SessionId.LastIndexOf(":alt", StringComparison.Ordinal) is var at and >= 0
        && int.TryParse(Row.SessionId.AsSpan(at + 4), out var n) ? n : 0;
}

/// <summary>Loads an execution's step sessions for diagrams and traces.</summary>
internal static class ExecutionSessions
{
    public static async Task<IReadOnlyList<SessionDetail>> LoadAsync(IReevCluster cluster, string executionId, CancellationToken cancellationToken)
    {
        var rows = await cluster.ReadModel.ListStepSessionsAsync(executionId, cancellationToken).ConfigureAwait(false);
        var sessions = await Task.WhenAll(rows.Select(r => cluster.Grains.GetGrain<IStepGrain>(r.SessionId).ReadAsync())).ConfigureAwait(false);
        return [.. rows.Select((r, i) => new SessionDetail(r, sessions[i]))
            .OrderBy(static d => d.Row.StepIndex)
            .ThenBy(static d => d.AlternateNumber)];
    }
}
