using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

public sealed partial class Silo
{
    /// <summary>Runs one message to a committed outcome: a turn, a failed attempt retried, or a dead letter.</summary>
    private async Task<CommitStatus> ProcessMessageAsync(Activation activation, StoredMessage message)
    {
        using var span = RuntimeTelemetry.Source.StartActivity(
            "grain turn", ActivityKind.Consumer, message.TraceParent ?? default(string));
        span?.SetTag("reev.grain.type", message.GrainType);
        span?.SetTag("reev.grain.method", message.Method);
        span?.SetTag("reev.grain.key", message.GrainKey);
        span?.SetTag("reev.silo", SiloId);

        if (activation.ClassInfo is null)
        {
            return await DeadLetterAsync(activation, message, message.Attempts,
                $"Unknown grain type '{message.GrainType}': no grain class is registered for it on silo {SiloId}.").ConfigureAwait(false);
        }

        GrainMethod? method = null;
        if (message.Kind == MessageKind.Call && !activation.ClassInfo.TryGetMethod(message.Method, out method))
        {
            return await DeadLetterAsync(activation, message, message.Attempts,
                $"Grain type '{message.GrainType}' has no method '{message.Method}'.").ConfigureAwait(false);
        }

        var attempts = message.Attempts;
        if (TakeTakeoverCharge(activation, message))
        {
            // Its partition was taken from a silo that died: this message may have been in the turn that killed it.
            attempts++;
            if (await ChargeTakeoverAsync(activation, message, attempts).ConfigureAwait(false) is { } charged)
            {
                return charged;
            }
        }

        if (TakeUnknownOutcomeCharge(message.Id) is { } unknown)
        {
            // Its commits keep ending without an answer: this one counts as a failed attempt (see Silo.Outcomes.cs).
            attempts++;
            RuntimeTelemetry.MessagesFailed.Add(1);
            RuntimeLog.UnknownOutcomeCounted(_logger, activation.Id.ToString(), message.Method, message.Id, attempts, Options.MaxAttempts);
            if (attempts >= Options.MaxAttempts)
            {
                return await DeadLetterAsync(activation, message, attempts, unknown).ConfigureAwait(false);
            }

            if (await RecordFailedAttemptAsync(activation, message, attempts, unknown).ConfigureAwait(false) is { } ended)
            {
                return ended;
            }
        }

        while (true)
        {
            if (attempts >= Options.MaxAttempts)
            {
                return await DeadLetterAsync(activation, message, attempts, "attempts exhausted").ConfigureAwait(false);
            }

            TurnContext? turn = null;
            TurnCommit? commit = null;
            string? localReply = null;
            Exception? failure = null;
            try
            {
                // The turn starts before the activation: what OnActivateAsync sends, registers or writes commits with the
                // first turn (or not at all when that turn fails, and then runs again on a fresh instance).
                turn = new TurnContext(activation, message);
                TurnContext.Current = turn;
                if (!activation.Loaded)
                {
                    await LoadStateAsync(activation).ConfigureAwait(false);
                }

                // The runtime's bookkeeping is done here, on the worker; only the grain's code runs under the turn timeout,
                // so that a turn abandoned there leaves nothing running that could still touch the activation (ADR 0014).
                var activating = activation.Instance is null;
                var grain = activating ? CreateInstance(activation) : activation.Instance!;
                var started = TimeProvider.GetTimestamp();
                var work = InvokeAsync(grain, activating, activation.Id, message, method, activation.TurnCancellation.Token);
                if (!work.IsCompleted)
                {
                    await AwaitGrainCodeAsync(work, activation, turn, message.Method, started).ConfigureAwait(false);
                }

                var result = await work.ConfigureAwait(false);

                // Serializing the new state and the reply is part of the turn: a value that cannot be serialized fails
                // this attempt like an exception of the grain's method, instead of escaping the activation's worker.
                (commit, localReply) = BuildCommit(activation, message, method, turn, result);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                failure = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            }
            finally
            {
                TurnContext.Current = null;
            }

            if (!Alive)
            {
                return CommitStatus.Fenced;
            }

            if (failure is StateUnavailableException unavailable)
            {
                // The database's trouble, not the message's: no attempt is counted, and the message runs again after a pause.
                RuntimeLog.StateUnavailable(_logger, unavailable.InnerException!, activation.Id.ToString(), message.Method);
                activation.Instance = null;
                return CommitStatus.Retry;
            }

            string error;
            if (failure is null)
            {
                var status = await CommitTurnAsync(activation, message, turn!, commit!, localReply).ConfigureAwait(false);
                if (status != CommitStatus.Rejected)
                {
                    return status;
                }

                error = $"the store refused the turn's writes: {commit!.RejectedError}";
            }
            else
            {
                if (failure is TurnTimeoutException)
                {
                    RuntimeLog.TurnTimedOut(_logger, activation.Id.ToString(), message.Method, Options.TurnTimeout, attempts + 1, Options.MaxAttempts);
                }
                else
                {
                    RuntimeLog.TurnFailed(_logger, failure, activation.Id.ToString(), message.Method, attempts + 1, Options.MaxAttempts);
                }

                error = $"{failure.GetType().Name}: {failure.Message}";
            }

            attempts++;
            RuntimeTelemetry.MessagesFailed.Add(1);

            // The grain instance may hold half-applied changes: rebuild it from the committed state.
            activation.Instance = null;
            if (attempts >= Options.MaxAttempts || failure is GrainCallException)
            {
                return await DeadLetterAsync(activation, message, attempts, error).ConfigureAwait(false);
            }

            if (await RecordFailedAttemptAsync(activation, message, attempts, error).ConfigureAwait(false) is { } ended)
            {
                return ended;
            }

            var backoff = Options.RetryBackoff * Math.Pow(2, Math.Min(attempts - 1, 10));
            await Task.Delay(backoff, TimeProvider, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores a failed attempt's count and error on its message, which stays queued for the next attempt. Null once
    /// recorded; otherwise the outcome that ends this processing of the message (the record did not commit, or it was
    /// refused and the message was dead-lettered instead).
    /// </summary>
    private async Task<CommitStatus?> RecordFailedAttemptAsync(Activation activation, StoredMessage message, int attempts, string error)
    {
        var recorded = await CommitAsync(new TurnCommit
        {
            Grain = activation.Id,
            Partition = activation.Partition,
            Epoch = activation.Epoch,
            MessageId = message.Id,
            FailedAttemptError = StorableText(error),
            Attempts = attempts,
        }).ConfigureAwait(false);
        if (recorded == CommitStatus.Rejected)
        {
            // The record of the failed attempt was refused: the next attempt would not be counted, so end it here.
            return await DeadLetterAsync(activation, message, attempts, error).ConfigureAwait(false);
        }

        return recorded == CommitStatus.Committed ? null : recorded;
    }

    /// <summary>
    /// What the PostgreSQL provider would find (<see cref="SiloOptions.VerifyJson"/>): the state serializes, and its
    /// copy serializes to the same JSON. Otherwise the turn fails, naming the state type. Returns that JSON, which
    /// <see cref="VerifyUnchanged"/> later compares the stored copy with.
    /// </summary>
    private byte[] VerifyCopy(object state, object copy, Type stateType)
    {
        var original = _serializer.SerializeToUtf8(state, stateType);
        var copied = _serializer.SerializeToUtf8(copy, stateType);
        if (ReferenceEquals(state, copy) || !original.AsSpan().SequenceEqual(copied))
        {
            throw new InvalidOperationException(
                $"{stateType.Name}.DeepCopy() does not copy the state as its JSON reads: state {Excerpt(original)}, copy {(ReferenceEquals(state, copy) ? "the state itself" : Excerpt(copied))}");
        }

        return original;
    }

    /// <summary>
    /// With <see cref="SiloOptions.VerifyJson"/>: the activation's committed copy still reads as it did when it was
    /// committed. A copy that shares a collection with the live state changes with it, and a failed turn would then start
    /// again from half of its own changes; this finds that at the next turn instead.
    /// </summary>
    private void VerifyUnchanged(Activation activation, Type stateType)
    {
        if (Options.VerifyJson && activation.CommittedCopy is { } committed && activation.CommittedCopyJson is { } json
            && !_serializer.SerializeToUtf8(committed, stateType).AsSpan().SequenceEqual(json))
        {
            throw new InvalidOperationException(
                $"{stateType.Name}.DeepCopy() shares an object with the state: the committed copy changed after its commit (it was {Excerpt(json)}); a failed turn would not start again from the committed state.");
        }
    }

    private static string Excerpt(byte[] json) =>
        json.Length <= 2000 ? System.Text.Encoding.UTF8.GetString(json) : System.Text.Encoding.UTF8.GetString(json, 0, 2000) + "...";

    /// <summary>The turn's writes: its state (when it wrote any) and reply serialized, its sends, reminders and rows.</summary>
    private (TurnCommit Commit, string? LocalReply) BuildCommit(
        Activation activation, StoredMessage message, GrainMethod? method, TurnContext turn, object? result)
    {
        byte[]? state = null;
        object? copy = null;
        byte[]? copyJson = null;
        if (turn.StateDirty && activation.ClassInfo.StateType is { } stateType)
        {
            var current = activation.ClassInfo.GetState!(activation.Instance!);
            VerifyUnchanged(activation, stateType);
            if (_store.KeepsObjects && activation.ClassInfo.CopyState is { } copyState && current is not null)
            {
                copy = copyState(current);
                if (Options.VerifyJson)
                {
                    copyJson = VerifyCopy(current, copy, stateType);
                }
            }
            else
            {
                state = _serializer.SerializeToUtf8(current, stateType);
            }
        }

        var commit = new TurnCommit
        {
            Grain = activation.Id,
            Partition = activation.Partition,
            Epoch = activation.Epoch,
            MessageId = message.Id,
            StateUtf8 = state,
            StateCopy = copy,
            StateCopyJson = copyJson,
            StateVersion = activation.StateVersion + 1,
        };
        commit.Sends.AddRange(turn.Sends);
        commit.Reminders.AddRange(turn.Reminders.Values);
        commit.Projections.AddRange(turn.Projections);
        string? localReply = null;
        if (message.ReplyTo is { } replyTo && method is { IsAsk: true })
        {
            localReply = _serializer.Serialize(result, method.ResultType!);
            commit.Reply = ReplyFor(replyTo, localReply, null);
        }

        return (commit, localReply);
    }

    private async Task<CommitStatus> CommitTurnAsync(
        Activation activation, StoredMessage message, TurnContext turn, TurnCommit commit, string? localReply)
    {
        var status = await CommitAsync(commit).ConfigureAwait(false);
        if (status != CommitStatus.Committed)
        {
            activation.Instance = null;
            if (status == CommitStatus.Unknown && message.ReplyTo is not null && commit.Reply is null)
            {
                RememberInDoubt(activation, message, localReply, null);
            }

            return status;
        }

        if (commit.WritesState)
        {
            activation.CommittedState = commit.StateUtf8;
            activation.CommittedCopy = commit.StateCopy;
            activation.CommittedCopyJson = commit.StateCopyJson;
            activation.StateVersion++;
            activation.ClassInfo.SetState!(activation.Instance!, activation.ClassInfo.GetState!(activation.Instance!), activation.StateVersion);
        }

        // Counted before the reply is delivered: a caller that reads the counter after its answer finds its turn in it.
        RuntimeTelemetry.MessagesProcessed.Add(1);
        if (message.ReplyTo is { } to && commit.Reply is null)
        {
            var (clientId, requestId) = ReplyHub.Parse(to);
            ReplyHub.Deliver(clientId, requestId, localReply, null);
        }

        if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            RuntimeLog.TurnCommitted(_logger, activation.Id.ToString(), message.Method, message.Id); // the grain's name only when logged
        }
        if (turn.DeactivateAfterTurn)
        {
            // Messages already queued run on a fresh activation that reloads the stored state.
            await DeactivateAsync(activation, force: true).ConfigureAwait(false);
        }

        return status;
    }

    /// <summary>
    /// Error text as every store can keep it: PostgreSQL's text refuses NUL and UTF-8 has no lone surrogate, and an
    /// exception's message may hold either. A failed attempt's record must not fail the way the turn did.
    /// </summary>
    internal static string StorableText(string text)
    {
        foreach (var c in text)
        {
            if (c == '\0' || char.IsSurrogate(c))
            {
                return System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text)).Replace('\0', '\uFFFD');
            }
        }

        return text;
    }

    /// <summary>A reply is stored only for clients outside this process; local ones get it directly.</summary>
    private static ReplyRecord? ReplyFor(string replyTo, string? payload, string? error)
    {
        var (clientId, requestId) = ReplyHub.Parse(replyTo);
        return ReplyHub.IsLocal(clientId) ? null : new ReplyRecord(clientId, requestId, payload, error);
    }

    private async Task<CommitStatus> DeadLetterAsync(Activation activation, StoredMessage message, int attempts, string error)
    {
        var status = await DeadLetterOnceAsync(activation, message, attempts, error).ConfigureAwait(false);
        if (status == CommitStatus.Rejected)
        {
            // Even the dead letter was refused (its text, its reply): a plain one, without a stored reply, so that the
            // message still leaves the queue instead of running again for ever.
            status = await DeadLetterOnceAsync(activation, message, attempts, "the store refused this message's dead letter as first written", storeReply: false).ConfigureAwait(false);
        }

        return status;
    }

    private async Task<CommitStatus> DeadLetterOnceAsync(Activation activation, StoredMessage message, int attempts, string error, bool storeReply = true)
    {
        var stored = StorableText(error);
        var commit = new TurnCommit
        {
            Grain = activation.Id,
            Partition = activation.Partition,
            Epoch = activation.Epoch,
            MessageId = message.Id,
            DeadLetterError = stored,
            Attempts = attempts,
            Reply = storeReply && message.ReplyTo is { } replyTo ? ReplyFor(replyTo, null, stored) : null,
        };
        var status = await CommitAsync(commit).ConfigureAwait(false);
        if (status == CommitStatus.Unknown && storeReply && message.ReplyTo is not null && commit.Reply is null)
        {
            RememberInDoubt(activation, message, null, error);
        }

        if (status == CommitStatus.Committed)
        {
            RuntimeTelemetry.DeadLetters.Add(1);
            RuntimeLog.DeadLettered(_logger, message.Id, activation.Id.ToString(), message.Method, attempts, error);
            if (storeReply && message.ReplyTo is { } to && commit.Reply is null)
            {
                var (clientId, requestId) = ReplyHub.Parse(to);
                ReplyHub.Deliver(clientId, requestId, null, error);
            }
        }

        return status;
    }

    /// <summary>Reads the activation's committed state (the runtime's work: not under the turn timeout).</summary>
    private async Task LoadStateAsync(Activation activation)
    {
        if (activation.ClassInfo.StateType is not null)
        {
            StoredState? stored;
            try
            {
                stored = await _store.ReadStateAsync(activation.Id, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (StoreErrors.IsTransient(ex) && !_stopping.IsCancellationRequested)
            {
                throw new StateUnavailableException(activation.Id, ex);
            }

            activation.CommittedState = stored?.Utf8;
            activation.CommittedCopy = stored?.Copy;
            activation.CommittedCopyJson = null; // read from the store: not verified by this activation
            activation.StateVersion = stored?.Version ?? 0;
        }

        activation.Loaded = true;
    }

    /// <summary>A fresh grain instance on the committed state, made the activation's; its OnActivateAsync runs with the turn.</summary>
    private Grain CreateInstance(Activation activation)
    {
        var grain = activation.ClassInfo.Create(_services);
        grain.Attach(new GrainActivationContext(activation.Id, _client, TimeProvider));
        if (activation.ClassInfo.StateType is { } stateType)
        {
            // A stored copy stays as committed: the instance changes a copy of its own.
            VerifyUnchanged(activation, stateType);
            var state = activation.CommittedCopy is { } committed ? activation.ClassInfo.CopyState!(committed)
                : activation.CommittedState is { } json ? _serializer.Deserialize(json, stateType)
                : Activator.CreateInstance(stateType);
            activation.ClassInfo.SetState!(grain, state, activation.StateVersion);
        }

        activation.Instance = grain;
        activation.LastUsedTicks = TimeProvider.GetTimestamp();
        return grain;
    }

    /// <summary>
    /// The grain's code of one turn and nothing else: OnActivateAsync when the turn activates the instance, then the method
    /// or the reminder. It may be abandoned at the turn timeout and run on, so it must not touch the activation.
    /// </summary>
    private async Task<object?> InvokeAsync(
        Grain grain, bool activating, GrainId id, StoredMessage message, GrainMethod? method, CancellationToken cancellationToken)
    {
        if (activating)
        {
            await grain.OnActivateAsync(cancellationToken).ConfigureAwait(false);

            // Abandoned while activating (the token is cancelled then): the runtime starts no method for a turn it gave up.
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (message.Kind == MessageKind.Reminder)
        {
            if (grain is not IRemindable remindable)
            {
                throw new GrainCallException($"{id} received reminder '{message.Method}' but does not implement IRemindable.");
            }

            var tick = (ReminderTick)_serializer.Deserialize(PayloadOf(message), typeof(ReminderTick))!;
            await remindable.ReceiveReminderAsync(message.Method, tick, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var args = message.LocalArguments is { } local
            ? WithToken(local, method!.CancellationTokenIndex, cancellationToken)
            : _serializer.DeserializeArguments(method!, PayloadOf(message), cancellationToken);
        var task = method!.Invoker(grain, args);
        await task.ConfigureAwait(false);
        return method.ResultReader?.Invoke(task);
    }

    /// <summary>The message's JSON; only a message kept as its argument instances (in memory, ADR 0016) has none, and it is not read.</summary>
    private static byte[] PayloadOf(StoredMessage message) =>
        message.Payload ?? throw new InvalidOperationException($"message {message.Id} ({message.Method}) has neither a payload nor its arguments");

    /// <summary>
    /// The sender's immutable arguments for this turn. A method that takes a token gets a copy of the array with this
    /// silo's token (a retried turn reuses the message's array); otherwise the array is passed as it is.
    /// </summary>
    private static object?[] WithToken(object?[] local, int tokenIndex, CancellationToken token)
    {
        if (tokenIndex < 0)
        {
            return local;
        }

        var args = (object?[])local.Clone();
        args[tokenIndex] = token;
        return args;
    }

    /// <param name="bound">A graceful stop's deadline: a deactivation still running then is abandoned, as at its timeout.</param>
    private async Task DeactivateAsync(Activation activation, bool force = false, CancellationToken bound = default)
    {
        lock (activation.Lock)
        {
            if (!force && activation.Queue.Count > 1)
            {
                return;
            }
        }

        if (activation.Instance is { } grain)
        {
            try
            {
                var started = TimeProvider.GetTimestamp();
                var work = grain.OnDeactivateAsync(activation.TurnCancellation.Token);
                if (!work.IsCompleted)
                {
                    // Bounded like a turn: a deactivation that never ends must not hold its worker, the collector or a stop.
                    await AwaitGrainCodeAsync(work, activation, null, nameof(Grain.OnDeactivateAsync), started, bound).ConfigureAwait(false);
                }

                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (bound.IsCancellationRequested)
            {
                RuntimeLog.LoopFailed(_logger, new TurnTimeoutException(activation.Id, nameof(Grain.OnDeactivateAsync), Options.DrainTimeout), SiloId, "deactivate at stop");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RuntimeLog.LoopFailed(_logger, ex, SiloId, "deactivate");
            }
        }

        activation.Instance = null;
        activation.Loaded = false;
        activation.CommittedState = null; // reloaded from the store by the next activation
    }

    /// <summary>
    /// A graceful stop's deactivations, all within one <see cref="SiloOptions.DrainTimeout"/> on the silo's clock (and the
    /// stop's token): a grain whose OnDeactivateAsync hangs is abandoned then, so the hand-over that follows is not held
    /// for a turn timeout per grain. Each activation is taken as the idle collector takes one (retired under its lock), so
    /// that the two never deactivate the same one.
    /// </summary>
    private async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(Options.DrainTimeout, TimeProvider);
        using var stop = cancellationToken.UnsafeRegister(static d => ((CancellationTokenSource)d!).Cancel(), deadline);
        foreach (var activation in _directory.Values.ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!TakeIdle(activation))
            {
                continue;
            }

            _directory.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));
            await DeactivateAsync(activation, bound: deadline.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Retires an activation with nothing to run, for its deactivation; false when it runs, has work or is retired.</summary>
    private static bool TakeIdle(Activation activation)
    {
        lock (activation.Lock)
        {
            if (activation.Running || activation.Queue.Count > 0 || activation.Retired)
            {
                return false;
            }

            activation.Retired = true;
            return true;
        }
    }
}
