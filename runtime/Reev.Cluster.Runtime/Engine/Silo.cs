using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

/// <summary>
/// A silo: owns partitions through leases, activates grains of its partitions on demand and runs
/// their turns, committing each turn's effects in fenced batches (DESIGN R1-R7).
/// </summary>
public sealed partial class Silo : IAsyncDisposable
{
    private readonly IRuntimeStore _store;
    private readonly GrainRegistry _grains;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly MessageSerializer _serializer;
    private readonly Engine.PartitionTable _partitions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly GrainCallRouter _client;
    private int _state; // 0 new, 1 started, 2 stopping, 3 stopped, 4 killed
    private long _lastInboxDepth = -1;
    private readonly Guid _incarnation = Guid.NewGuid();
    private readonly TaskCompletionSource<string> _superseded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _joined; // a heartbeat succeeded: this process is the silo id's only live incarnation

    private Silo(
        SiloOptions options,
        IRuntimeStore store,
        GrainRegistry grains,
        IServiceProvider services,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        JsonSerializerOptions serializerOptions)
    {
        Options = options;
        SiloId = string.IsNullOrEmpty(options.SiloId) ? $"silo-{Guid.NewGuid():N}"[..17] : options.SiloId;
        _store = store;
        _grains = grains;
        _services = services;
        _logger = loggerFactory.CreateLogger("Reev.Cluster.Runtime.Silo");
        TimeProvider = timeProvider;
        _serializer = new MessageSerializer(serializerOptions);
        _client = new GrainCallRouter($"{SiloId}-client", store, _serializer, options.AskTimeout, DispatchAfterEnqueue, options.VerifyJson, options.MaxEnqueueTransactions);
        ReplyHub.Register(_client.ClientId, _client.Replies);
        _commitQueue = System.Threading.Channels.Channel.CreateUnbounded<PendingCommit>();
    }

    /// <summary>This silo's identity in the membership table.</summary>
    public string SiloId { get; }

    public SiloOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    // How often this silo's own pending asks look for replies written by other processes when no NOTIFY arrives.
    private static readonly TimeSpan ReplyPollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>A grain factory for callers outside grains (a co-hosted client).</summary>
    public IGrainFactory GrainFactory => _client;

    /// <summary>Fault-injection points for failure tests.</summary>
    public SiloTestHooks TestHooks { get; } = new();

    /// <summary>The partitions this silo owns right now.</summary>
    public IReadOnlyCollection<int> OwnedPartitions => [.. _partitions.Partitions];

    /// <summary>Activations currently in memory.</summary>
    public int ActivationCount => _directory.Count;

    public bool IsRunning => Volatile.Read(ref _state) == 1;

    /// <summary>Messages dispatched to activations and not yet committed.</summary>
    public long QueuedMessages => Volatile.Read(ref _queued);

    /// <summary>
    /// Completes, with the reason, when this silo ended on its own because another process took its silo id over (this
    /// one was paused past its lease): it is no longer a member and has stopped all work. A host ends then.
    /// </summary>
    public Task<string> Superseded => _superseded.Task;

    /// <summary>Turns waiting for a commit lane (tests: to know that turns will share the next batch).</summary>
    internal int CommitsWaiting => _commitQueue.Reader.Count;

    /// <summary>The cluster's inbox depth as last sampled at a heartbeat (-1 before the first sample).</summary>
    public long LastInboxDepth => Volatile.Read(ref _lastInboxDepth);

    /// <summary>Creates a silo on a provider. Call <see cref="StartAsync"/> to join the cluster.</summary>
    public static Silo Create(
        SiloOptions options,
        ClusterProvider provider,
        GrainRegistry grains,
        IServiceProvider? services = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        JsonSerializerOptions? serializerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(grains);
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        timeProvider ??= TimeProvider.System;
        var store = provider.CreateStore(options.PartitionCount, timeProvider, loggerFactory);
        return new Silo(
            options,
            store,
            grains,
            services ?? EmptyServiceProvider.Instance,
            loggerFactory,
            timeProvider,
            serializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    /// <summary>Migrates the schema if needed, joins the cluster and starts processing.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException($"Silo {SiloId} was already started.");
        }

        try
        {
            await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await _store.SubscribeAsync(OnWake, cancellationToken).ConfigureAwait(false);
            await BalanceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A silo that could not join holds nothing: it is stopped and its connections are closed.
            Volatile.Write(ref _state, 3);
            await LeaveAfterFailedStartAsync().ConfigureAwait(false);
            ReplyHub.Unregister(_client.ClientId, _client.Replies);
            await _store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var token = _stopping.Token;
        for (var i = 0; i < Options.CommitLanes; i++)
        {
            _loops.Add(Task.Run(() => CommitLaneAsync(token), CancellationToken.None));
        }

        _loops.Add(Task.Run(() => FetchLoopAsync(token), CancellationToken.None));
        _loops.Add(Task.Run(() => MembershipLoopAsync(token), CancellationToken.None));
        _loops.Add(Task.Run(() => ReminderLoopAsync(token), CancellationToken.None));
        _loops.Add(Task.Run(() => IdleCollectionLoopAsync(token), CancellationToken.None));
        if (Options.QueueReclaimInterval > TimeSpan.Zero)
        {
            _loops.Add(Task.Run(() => QueueReclaimLoopAsync(token), CancellationToken.None));
        }

        // Replies to this silo's own asks (its GrainFactory) answered by grains in other processes.
        _loops.Add(Task.Run(() => _client.PumpRepliesAsync(_replySignal, ReplyPollInterval, TimeProvider, _logger, token), CancellationToken.None));
        RuntimeTelemetry.Register(this);
        RuntimeLog.SiloStarted(_logger, SiloId, _store.ProviderName, _store.PartitionCount);
    }

    /// <summary>
    /// A start stopped after this silo joined (a SIGTERM during the start, or a failure after the claim committed) hands
    /// over what the database says it holds and leaves, as a graceful stop does: otherwise the other silos would wait
    /// out its partitions' leases and count it as live until its membership lease ran out. Only once a heartbeat of
    /// this start succeeded: that heartbeat is what proves no other live process runs under this silo id, whose leases
    /// these would be. Best effort, bounded: a database that cannot be reached leaves the leases to expire.
    /// </summary>
    private async Task LeaveAfterFailedStartAsync()
    {
        if (!_joined)
        {
            return;
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5), TimeProvider);
        try
        {
            var owned = await _store.ReadOwnedAsync(SiloId, bound.Token).ConfigureAwait(false);
            _partitions.Clear();
            if (owned.Count > 0)
            {
                await _store.ReleaseAsync(SiloId, owned, bound.Token).ConfigureAwait(false);
            }

            await _store.LeaveAsync(SiloId, _incarnation, bound.Token).ConfigureAwait(false);
            await _store.NotifyAsync(WakeSignal.Membership, bound.Token).ConfigureAwait(false);
            RuntimeLog.LeftAfterFailedStart(_logger, SiloId, owned.Count);
        }
        catch (Exception ex)
        {
            RuntimeLog.LoopFailed(_logger, ex, SiloId, "leave after a failed start");
        }
    }

    /// <summary>
    /// Graceful stop: stops taking work, drains in-flight turns, hands every partition over at once
    /// (no lease expiry wait) and leaves the membership.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        IReadOnlyList<PartitionLease> leases = _partitions.Close();
        try
        {
            await DrainAsync(cancellationToken).ConfigureAwait(false);
            await DeactivateAllAsync(cancellationToken).ConfigureAwait(false);
            await StopLoopsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The graceful path was cancelled (or failed): the silo must not stay half stopped, its heartbeats keeping
            // partitions it no longer serves. It ends as a kill does (loops stopped, connections closed); its partitions
            // pass on when their leases run out.
            await TerminateAsync(killed: false).ConfigureAwait(false);
            throw;
        }

        leases = [.. leases.Union(_partitions.RefusedWhileClosed).OrderBy(l => l.Partition)];

        try
        {
            await _store.ReleaseAsync(SiloId, leases, cancellationToken).ConfigureAwait(false);
            await _store.LeaveAsync(SiloId, _incarnation, cancellationToken).ConfigureAwait(false);
            await _store.NotifyAsync(WakeSignal.Membership, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database is unreachable: the partitions pass on when their lease runs out instead.
            RuntimeLog.LoopFailed(_logger, ex, SiloId, "hand-over");
        }
        finally
        {
            Volatile.Write(ref _state, 3);
            ReplyHub.Unregister(_client.ClientId, _client.Replies);
            RuntimeTelemetry.Unregister(this);
            await _store.DisposeAsync().ConfigureAwait(false);
        }

        RuntimeLog.SiloStopped(_logger, SiloId, leases.Count);
    }

    /// <summary>
    /// Abrupt death, for failure tests: no drain, no hand-over, connections dropped, heartbeats stop.
    /// Nothing in flight commits afterwards.
    /// </summary>
    public Task KillAsync() => TerminateAsync(killed: true);

    /// <summary>Ends the silo at once (<see cref="KillAsync"/>); also what a process superseded under its silo id does.</summary>
    private async Task TerminateAsync(bool killed)
    {
        var previous = Interlocked.Exchange(ref _state, 4);
        if (previous is 3 or 4)
        {
            return;
        }

        if (killed)
        {
            RuntimeLog.SiloKilled(_logger, SiloId);
        }

        RuntimeTelemetry.Unregister(this);
        _partitions.Close();
        _commitQueue.Writer.TryComplete();
        await _stopping.CancelWithinBoundAsync().ConfigureAwait(false);
        ReplyHub.Unregister(_client.ClientId, _client.Replies);
        await _store.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // A killed silo does not wait for its loops; whatever they do can no longer commit.
        }
        catch (Exception ex)
        {
            RuntimeLog.LoopFailed(_logger, ex, SiloId, "terminate");
        }

        FailLeftCommits();
    }

    /// <summary>
    /// Stops the loops of a graceful stop. The commit channel is completed first, so that a turn ending after the lanes are
    /// gone is answered at once instead of waiting for ever; whatever is left in it afterwards did not commit. The wait for
    /// the loops is bounded by the stop's token, as the drain is: a loop stuck in a call that ignores cancellation ends the
    /// stop as a kill instead of holding it past its grace period.
    /// </summary>
    private async Task StopLoopsAsync(CancellationToken cancellationToken)
    {
        _commitQueue.Writer.TryComplete();
        await _stopping.CancelWithinBoundAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A loop that ended badly must not cost the hand-over: the partitions are still released below.
            RuntimeLog.LoopFailed(_logger, ex, SiloId, "stop");
        }

        FailLeftCommits();
    }

    /// <summary>Turns still waiting for a commit lane once the lanes are gone: not committed; their messages are read again by the next owner.</summary>
    private void FailLeftCommits()
    {
        while (_commitQueue.Reader.TryRead(out var left))
        {
            left.Completion.TrySetResult(CommitStatus.Fenced);
        }
    }

    /// <summary>True when this silo owns the partition of the grain <typeparamref name="TGrainInterface"/>/<paramref name="key"/> right now.</summary>
    public bool Owns<TGrainInterface>(string key)
        where TGrainInterface : IGrain
    {
        var grain = new GrainId(Messaging.GrainInterfaceMetadata.For(typeof(TGrainInterface)).GrainType, key);
        return _partitions.IsOwned(PartitionHash.Compute(grain, Options.PartitionCount));
    }

    /// <summary>Reads the dead-letter table.</summary>
    public Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(int limit, CancellationToken cancellationToken) =>
        _store.ReadDeadLettersAsync(limit, cancellationToken);

    /// <summary>Counts messages waiting in the durable inbox of the whole cluster.</summary>
    public Task<long> CountPendingMessagesAsync(CancellationToken cancellationToken) =>
        _store.CountPendingAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _state) == 1)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        else if (Volatile.Read(ref _state) == 2)
        {
            // A stop still under way (or one that never finished): disposing ends the silo at once.
            await TerminateAsync(killed: false).ConfigureAwait(false);
        }
        else if (Volatile.Read(ref _state) == 0)
        {
            // Never started: the registration made at creation goes with it.
            ReplyHub.Unregister(_client.ClientId, _client.Replies);
            await _store.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private bool Alive => Volatile.Read(ref _state) is 1 or 2;

    private void OnWake(WakeSignal signal)
    {
        switch (signal)
        {
            case WakeSignal.Messages:
                _fetchSignal.Release();
                break;
            case WakeSignal.Membership:
                _membershipSignal.Release();
                break;
            case WakeSignal.Replies:
                _replySignal.Release();
                break;
            default:
                break;
        }
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
