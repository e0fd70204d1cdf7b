using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Flows.Diagnostics;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Tools;

/// <summary>
/// The ten reference tools bound to one step's <see cref="SimulatedLedger"/> and key map. Each call is
/// recorded (arguments, result or typed error, duration, transaction signatures) whatever the agent reports.
/// Faults of the step's <see cref="FaultInjector"/> are applied here: transient RPC errors and timeouts to
/// every call, slippage spikes, liquidity shortfalls and venue outages to swaps. Not thread-safe: one step.
/// </summary>
public sealed partial class ToolInvoker : IToolInvoker
{
    private readonly SimulatedLedger _ledger;
    private readonly KeyMap _keyMap;
    private readonly FaultInjector _faults;
    private readonly SwapVenue _defaultVenue;
    private readonly TimeProvider _timeProvider;
    private readonly FlowsMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly List<ToolCallRecord> _calls = [];
    private readonly List<string> _signatures = [];
    private readonly ToolJournal? _journal;
    private readonly bool[] _replayed;

    /// <param name="ledger">The step's ledger.</param>
    /// <param name="keyMap">Placeholders the tools accept in place of addresses.</param>
    /// <param name="faults">Fault decisions of this attempt; none when null.</param>
    /// <param name="venue">Default swap venue name ("jupiter" when null).</param>
    /// <param name="timeProvider">Clock for call durations.</param>
    /// <param name="metrics">Tool call, transaction and fault counters.</param>
    /// <param name="logger">Debug log of calls.</param>
    /// <param name="journal">Calls earlier attempts of the step made, answered from the journal instead of run again.</param>
    public ToolInvoker(
        SimulatedLedger ledger,
        KeyMap keyMap,
        FaultInjector? faults = null,
        string? venue = null,
        TimeProvider? timeProvider = null,
        FlowsMetrics? metrics = null,
        ILogger? logger = null,
        ToolJournal? journal = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(keyMap);
        _ledger = ledger;
        _keyMap = keyMap;
        _faults = faults ?? FaultInjector.None;
        _defaultVenue = SwapVenue.Find(venue) ?? throw new ArgumentException($"unknown swap venue \"{venue}\" (known: jupiter, raydium)", nameof(venue));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        _journal = journal;
        _replayed = new bool[journal?.Calls.Count ?? 0];
    }

    /// <inheritdoc/>
    public IReadOnlyList<ToolDefinition> Definitions => ToolCatalog.Definitions;

    /// <inheritdoc/>
    public IReadOnlyList<ToolCallRecord> Calls => _calls;

    /// <summary>The ledger the tools act on.</summary>
    public SimulatedLedger Ledger => _ledger;

    /// <inheritdoc/>
    public Task<ToolCallRecord> InvokeAsync(string toolName, string argumentsJson, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        toolName ??= "";
        argumentsJson ??= "";
        using var activity = FlowsTelemetry.Source.StartActivity("call tool");
        activity?.SetTag("reev.tool", toolName);
        var started = _timeProvider.GetTimestamp();
        var index = _calls.Count;
        if (Replay(toolName, argumentsJson, index) is { } replayed)
        {
            _calls.Add(replayed);
            _metrics?.ToolCalled(toolName, "replayed");
            FlowsLog.ToolCalled(_logger, toolName, index, "replayed", 0);
            return Task.FromResult(replayed);
        }

        _signatures.Clear();
        ToolOutcome outcome;
        try
        {
            outcome = Dispatch(toolName, argumentsJson, index);
        }
        catch (ToolInputException ex)
        {
            outcome = ToolOutcome.Fail(FlowErrors.Create(ex.Kind, ex.Message));
        }

        var duration = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
        var record = new ToolCallRecord(
            index,
            toolName,
            argumentsJson,
            outcome.Error is null,
            outcome.Result?.ToJsonString(),
            outcome.Error,
            duration,
            new EquatableArray<string>(_signatures));
        _calls.Add(record);
        var outcomeName = outcome.Error is null ? "success" : outcome.Error.Kind.ToString();
        _metrics?.ToolCalled(toolName, outcomeName);
        FlowsLog.ToolCalled(_logger, toolName, index, outcomeName, duration);
        if (outcome.Error is { } error)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error.Kind.ToString());
        }

        return Task.FromResult(record);
    }

    /// <summary>The journaled call this one stands for: the first not yet replayed that does the same thing.</summary>
    private ToolCallRecord? Replay(string toolName, string argumentsJson, int index)
    {
        if (_journal is null)
        {
            return null;
        }

        var identity = ToolJournal.Identity(toolName, argumentsJson);
        for (var i = 0; i < _replayed.Length; i++)
        {
            if (!_replayed[i] && _journal.Calls[i].ToolName == toolName && ToolJournal.Identity(toolName, _journal.Calls[i].ArgumentsJson) == identity)
            {
                _replayed[i] = true;
                return _journal.Calls[i] with { Index = index, DurationMs = 0, Replayed = true };
            }
        }

        return null;
    }

    private ToolOutcome Dispatch(string toolName, string argumentsJson, int index)
    {
        if (!ToolNames.All.Contains(toolName))
        {
            throw new ToolInputException(FlowErrorKind.UnknownTool, $"unknown tool \"{toolName}\" (known: {string.Join(", ", ToolNames.All)})");
        }

        var args = ToolArguments.Parse(toolName, argumentsJson, _keyMap);
        if (Inject(FaultKind.Transient, toolName, index))
        {
            return ToolOutcome.Fail(FlowErrors.Create(FlowErrorKind.Transient, "RPC error: blockhash not found (transient)"));
        }

        if (Inject(FaultKind.Timeout, toolName, index))
        {
            return ToolOutcome.Fail(FlowErrors.Create(FlowErrorKind.Timeout, "RPC error: request timed out before confirmation"));
        }

        return toolName switch
        {
            ToolNames.SolTransfer => SolTransfer(args),
            ToolNames.SplTransfer => SplTransfer(args),
            ToolNames.JupiterSwap => Swap(args, index),
            ToolNames.JupiterLendEarnDeposit => LendDeposit(args),
            ToolNames.JupiterLendEarnWithdraw => LendWithdraw(args),
            ToolNames.JupiterLendEarnMint => LendMint(args),
            ToolNames.JupiterLendEarnRedeem => LendRedeem(args),
            ToolNames.GetAccountBalance => AccountBalance(args),
            ToolNames.GetJupiterLendEarnPosition => LendPosition(args),
            _ => LendTokens(args),
        };
    }

    private bool Inject(FaultKind kind, string toolName, int index)
    {
        if (!_faults.Fires(kind, index))
        {
            return false;
        }

        _metrics?.FaultInjected(FaultSpec.Name(kind));
        FlowsLog.FaultInjected(_logger, FaultSpec.Name(kind), toolName, _faults.Attempt);
        return true;
    }

    /// <summary>A wallet this run holds the key of (a key-map entry that is a system account).</summary>
    private string Signer(ToolArguments args, params string[] names)
    {
        var address = args.Address(names);
        if (_keyMap.NameOf(address) is null || _ledger.Find(address) is not { Token: null })
        {
            throw new ToolInputException(FlowErrorKind.InvalidArguments, $"cannot sign for {address}: it is not a wallet of this run");
        }

        return address;
    }

    private ExecutionResult Send(string feePayer, params LedgerInstruction[] instructions)
    {
        var result = _ledger.Execute(feePayer, instructions);
        _signatures.Add(result.Transaction.Signature);
        _metrics?.TransactionExecuted(result.Succeeded);
        return result;
    }

    /// <summary>Fails with insufficient funds unless <paramref name="owner"/> holds <paramref name="needed"/> of <paramref name="token"/>.</summary>
    private void RequireBalance(string owner, TokenInfo token, ulong needed, ulong lamportOverhead)
    {
        var available = _ledger.TokenBalanceOf(owner, token.Mint);
        var overhead = token.Mint == TokenCatalog.SolMint ? lamportOverhead : 0;

        // Compared without adding: needed + overhead wraps near u64's maximum and would pass a wallet holding a few lamports.
        if (available < needed || available - needed < overhead)
        {
            var required = (UInt128)needed + overhead;
            throw new ToolInputException(FlowErrorKind.InsufficientFunds,
                $"Insufficient funds: requested {required} {token.Symbol} base units (including fees and rent), available {available}");
        }

        if (token.Mint != TokenCatalog.SolMint && _ledger.LamportsOf(owner) < lamportOverhead)
        {
            throw new ToolInputException(FlowErrorKind.InsufficientFunds,
                $"Insufficient funds: {lamportOverhead} lamports needed for fees and rent, available {_ledger.LamportsOf(owner)}");
        }
    }

    /// <summary>Creates the ATA first when it does not exist; returns the rent it will cost.</summary>
    private ulong EnsureAta(List<LedgerInstruction> instructions, string payer, string owner, string mint)
    {
        if (mint == TokenCatalog.SolMint || _ledger.IsTokenAccountOf(AssociatedTokenAddress.Derive(owner, mint), mint))
        {
            return 0;
        }

        instructions.Add(LedgerInstructions.CreateAssociatedTokenAccount(payer, owner, mint));
        return SimulatedLedger.TokenAccountRent;
    }

    private static JsonObject Transaction(ExecutionResult result) => new()
    {
        ["signature"] = result.Transaction.Signature,
        ["slot"] = result.Transaction.Slot,
        ["status"] = result.Transaction.Status.ToString(),
        ["fee"] = result.Transaction.Fee,
    };
}
