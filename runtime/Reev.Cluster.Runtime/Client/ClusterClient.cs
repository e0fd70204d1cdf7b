using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

/// <summary>
/// A client of a cluster that hosts no grains (a gateway, a CLI, a load tool): it enqueues messages
/// in the cluster's store, wakes the silos with a NOTIFY, and reads the replies owed to it from the
/// store. Sends complete when the message is durable; asks wait for the reply under a timeout.
/// </summary>
public sealed class ClusterClient : IAsyncDisposable
{
    private readonly IRuntimeStore _store;
    private readonly GrainCallRouter _router;
    private readonly ClusterClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly AsyncSignal _replySignal = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _replyLoop;
    private int _notifyPending;
    private int _state; // 0 new, 1 connected, 2 disposed

    private ClusterClient(IRuntimeStore store, ClusterClientOptions options, TimeProvider timeProvider, ILogger logger, JsonSerializerOptions serializerOptions)
    {
        _store = store;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        ClientId = string.IsNullOrEmpty(options.ClientId) ? $"client-{Guid.NewGuid():N}"[..19] : options.ClientId;
        _router = new GrainCallRouter(ClientId, store, new MessageSerializer(serializerOptions), options.AskTimeout, _ => RequestNotify(), SiloOptions.VerifyJsonByDefault, options.MaxEnqueueTransactions);
    }

    public string ClientId { get; }

    /// <summary>References to grains; calls go through the cluster's store.</summary>
    public IGrainFactory GrainFactory => Volatile.Read(ref _state) == 1
        ? _router
        : throw new InvalidOperationException("The cluster client is not connected; call ConnectAsync first.");

    public static ClusterClient Create(
        ClusterClientOptions options,
        ClusterProvider provider,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        JsonSerializerOptions? serializerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(provider);
        if (options.PartitionCount is < 1 or > 65536)
        {
            throw new ClusterConfigurationException($"{ClusterClientOptions.SectionName}:PartitionCount must be between 1 and 65536, not {options.PartitionCount}.");
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        timeProvider ??= TimeProvider.System;
        SiloOptions.CheckMaxEnqueueTransactions(ClusterClientOptions.SectionName, options.MaxEnqueueTransactions);

        var store = provider.CreateStore(options.PartitionCount, timeProvider, loggerFactory);
        return new ClusterClient(store, options, timeProvider, loggerFactory.CreateLogger("Reev.Cluster.Runtime.ClusterClient"), serializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    /// <summary>Checks the store (schema, partition count) and starts listening for replies.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException($"Cluster client {ClientId} was already connected.");
        }

        try
        {
            await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await _store.SubscribeAsync(OnWake, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Volatile.Write(ref _state, 2);
            await _store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _replyLoop = Task.Run(() => _router.PumpRepliesAsync(_replySignal, _options.ReplyPollInterval, _timeProvider, _logger, _stopping.Token), CancellationToken.None);
    }

    private void OnWake(WakeSignal signal)
    {
        if (signal == WakeSignal.Replies)
        {
            _replySignal.Release();
        }
    }

    /// <summary>Debounced NOTIFY so that silos pick new messages up without waiting for their poll.</summary>
    private void RequestNotify()
    {
        if (Interlocked.Exchange(ref _notifyPending, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2), _timeProvider, _stopping.Token).ConfigureAwait(false);
                Volatile.Write(ref _notifyPending, 0);
                await _store.NotifyAsync(WakeSignal.Messages, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Volatile.Write(ref _notifyPending, 0);
            }
            catch (Exception ex)
            {
                Volatile.Write(ref _notifyPending, 0);
                RuntimeLog.LoopFailed(_logger, ex, ClientId, "notify");
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stopping.CancelWithinBoundAsync().ConfigureAwait(false);
        if (_replyLoop is not null)
        {
            await _replyLoop.ConfigureAwait(false);
        }

        await _store.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
