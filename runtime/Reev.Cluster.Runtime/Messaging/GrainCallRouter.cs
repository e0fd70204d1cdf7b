using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>
/// The grain factory behind every reference. Inside a turn, sends join the turn's commit and asks
/// are refused (DESIGN R5); outside, a send commits a row before its task completes and an ask
/// waits for its reply under a timeout.
/// </summary>
internal sealed class GrainCallRouter : IGrainFactory
{
    private readonly IRuntimeStore _store;
    private readonly MessageSerializer _serializer;
    private readonly TimeSpan _askTimeout;
    private readonly EnqueueBatcher _enqueue;
    private readonly bool _verifyJson;

    public GrainCallRouter(
        string clientId,
        IRuntimeStore store,
        MessageSerializer serializer,
        TimeSpan askTimeout,
        Action<IReadOnlyList<StoredMessage>> afterEnqueue,
        bool verifyJson,
        int maxEnqueueTransactions)
    {
        ClientId = clientId;
        _store = store;
        _serializer = serializer;
        _askTimeout = askTimeout;
        _enqueue = new EnqueueBatcher(store, afterEnqueue, maxEnqueueTransactions, store.EnqueueGatherWindow);
        _verifyJson = verifyJson;
    }

    public string ClientId { get; }

    public PendingReplies Replies { get; } = new();

    /// <summary>
    /// Completes this caller's pending asks with the replies that grains in other processes wrote to the store's
    /// reply table: on each <paramref name="wake"/> (a replies NOTIFY) or every <paramref name="pollInterval"/>,
    /// only while asks are pending. Runs until <paramref name="cancellationToken"/> is cancelled. Used by cluster
    /// clients and by silos for their own asks (a co-hosted gateway's).
    /// </summary>
    public async Task PumpRepliesAsync(AsyncSignal wake, TimeSpan pollInterval, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await wake.WaitAsync(pollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
                if (Replies.Count == 0)
                {
                    continue;
                }

                foreach (var (requestId, payload, error) in await _store.TakeRepliesAsync(ClientId, Replies.Waiting(), cancellationToken).ConfigureAwait(false))
                {
                    Replies.Complete(requestId, payload, error);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RuntimeLog.LoopFailed(logger, ex, ClientId, "replies");
                try
                {
                    await Task.Delay(pollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrain
    {
        GrainId.ValidateKey(key);
        var metadata = GrainInterfaceMetadata.For(typeof(TGrainInterface));
        return GrainProxy.Create<TGrainInterface>(new GrainId(metadata.GrainType, key), metadata, this);
    }

    public Task SendAsync(GrainId grain, GrainMethod method, object?[]? args, CancellationToken cancellationToken)
    {
        var message = Build(grain, method, args, replyTo: null);
        if (TurnContext.Current is { } turn)
        {
            turn.ThrowIfAbandoned(); // a send of an abandoned turn would commit with nothing; it must not go out on its own either
            turn.Sends.Add(message);
            return Task.CompletedTask;
        }

        return EnqueueAsync(message, cancellationToken);
    }

    public async Task<T> AskAsync<T>(GrainId grain, GrainMethod method, object?[]? args, CancellationToken cancellationToken)
    {
        if (TurnContext.Current is { } turn)
        {
            throw new GrainCallException(
                $"{turn.Activation.Id} asked {grain}.{method.WireName}: grains may not await other grains (asks are for external clients). " +
                "Send a one-way message and receive the result as a message instead.");
        }

        var requestId = Guid.NewGuid();
        var message = Build(grain, method, args, $"{ClientId}:{requestId:N}");
        var reply = Replies.RegisterAsync(requestId);
        try
        {
            await EnqueueAsync(message, cancellationToken).ConfigureAwait(false);
            var (payload, error) = await reply.WaitAsync(_askTimeout, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                throw new GrainInvocationException(grain.ToString(), method.WireName, error);
            }

            return (T)_serializer.Deserialize(payload ?? "null", typeof(T))!;
        }
        catch (TimeoutException)
        {
            throw new ClusterTimeoutException(
                $"No reply from {grain}.{method.WireName} within {_askTimeout.TotalSeconds:0.#} s; the message is durable and may still run.");
        }
        finally
        {
            Replies.Forget(requestId);
        }
    }

    private OutboundMessage Build(GrainId grain, GrainMethod method, object?[]? args, string? replyTo)
    {
        // The proxy builds a fresh array for every call, so the message may keep it as it is. A store in this process keeps
        // immutable arguments as they are, without their JSON (ADR 0016); with VerifyJson they are serialized anyway, so
        // that an argument JSON cannot hold fails this send as it would on PostgreSQL.
        var local = method.SharesArguments ? args : null;
        var keptAsObjects = local is not null && _store.KeepsObjects;
        var payload = !keptAsObjects || _verifyJson ? _serializer.SerializeArguments(method, args, grain.Type) : null;
        if (keptAsObjects)
        {
            payload = null; // when verified, kept as objects all the same: the path the provider takes without verification
        }

        return new OutboundMessage(
            PartitionHash.Compute(grain, _store.PartitionCount),
            grain.Type,
            grain.Key,
            method.WireName,
            MessageKind.Call,
            payload,
            replyTo,
            Activity.Current?.Id)
        {
            LocalArguments = local,
        };
    }

    private async Task EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        try
        {
            // Concurrent sends share one INSERT; the row is committed (and dispatched) when this completes.
            await _enqueue.EnqueueAsync(message, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or ReevClusterException))
        {
            throw new ClusterUnavailableException($"Could not enqueue {message.GrainType}/{message.GrainKey}.{message.Method}: {ex.Message}", ex);
        }
    }
}
