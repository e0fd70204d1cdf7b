using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Intents;
using Reev.Cluster.Planning.Templates;

namespace Reev.Cluster.Planning.Plans;

/// <summary>Builds one plan; holds the projected balances while it walks the intent's actions.</summary>
internal sealed partial class PlanBuilder
{
    private readonly TemplateEngine _templates;
    private readonly PlanningOptions _options;
    private readonly WalletContext _context;
    private readonly BalanceSheet _sheet;
    private readonly List<PlannedStep> _steps = [];
    private readonly List<Dictionary<string, object?>> _stepData = [];
    private readonly Dictionary<int, int> _planIndexOfIntent = [];
    private readonly Dictionary<int, (TokenInfo Token, ulong Estimate, string Source)> _receipts = [];
    private int _remainingTransactions;

    public PlanBuilder(TemplateEngine templates, PlanningOptions options, WalletContext context, ILedgerReader ledger)
    {
        _templates = templates;
        _options = options;
        _context = context;
        _sheet = new BalanceSheet(context, ledger);
    }

    public PlanResult Build(ParsedIntent intent, string planId, DateTimeOffset now)
    {
        _remainingTransactions = intent.Steps.Count(static s => s.Action is not (ActionKind.CheckBalances or ActionKind.CheckPositions));
        if (_options.IncludeBalanceCheck)
        {
            _steps.Add(BalanceStep(Planner.BalanceCheckId));
        }

        foreach (var action in intent.Steps)
        {
            var error = action.Action switch
            {
                ActionKind.Swap => AddSwap(action),
                ActionKind.Lend or ActionKind.Mint => AddDeposit(action),
                ActionKind.Withdraw => AddWithdraw(action),
                ActionKind.Redeem => AddRedeem(action),
                ActionKind.Transfer => AddTransfer(action),
                ActionKind.CheckBalances => Add(BalanceStep($"balances_{_steps.Count + 1}")),
                _ => Add(PositionsStep($"positions_{_steps.Count + 1}")),
            };
            if (error is { } rejected)
            {
                return PlanResult.Failure(rejected);
            }

            _planIndexOfIntent[action.Index] = _steps.Count;
            if (action.Action is not (ActionKind.CheckBalances or ActionKind.CheckPositions))
            {
                _remainingTransactions--;
            }
        }

        if (_options.IncludePositionsCheck && _steps.Any(static s => s.Action is ActionKind.Lend or ActionKind.Withdraw or ActionKind.Mint or ActionKind.Redeem))
        {
            _steps.Add(PositionsStep(Planner.PositionsCheckId));
        }

        return PlanResult.Success(new FlowPlan(planId, intent.Prompt, _context.Wallet, now, Summary(), new EquatableArray<PlannedStep>(_steps)));
    }

    private PromptError? Add(PlannedStep step)
    {
        _steps.Add(step);
        return null;
    }

    /// <summary>
    /// The amount of a step in base units of <paramref name="token"/>. <paramref name="holding"/> is what the step
    /// can spend (the projected wallet balance, or the lending position for a withdrawal).
    /// </summary>
    private (PlannedAmount? Amount, PromptError? Error) ResolveAmount(IntentStep action, TokenInfo token, ulong holding, bool balanceChangedEarlier)
    {
        var spec = action.Amount ?? throw new InvalidOperationException($"step {action.Index} has no amount");
        var isSol = token.Mint == TokenCatalog.SolMint;
        var fees = isSol ? SimulatedLedger.SignatureFee * (ulong)Math.Max(1, _remainingTransactions) : 0;
        var spendable = holding > fees ? holding - fees : 0;
        switch (spec.Kind)
        {
            case AmountKind.Exact:
                if (AmountFormat.ToBaseUnits(spec.Value, token.Decimals) is not { } units || units == 0)
                {
                    return (null, Reject(RejectionReason.InvalidAmount, action, $"{spec.Value} {token.Symbol} is not a positive amount with at most {token.Decimals} decimals"));
                }

                return units <= spendable
                    ? (PlannedAmount.Fixed(token.Mint, token.Symbol, token.Decimals, units), null)
                    : (null, AboveBalance(action, token, units, spendable));
            case AmountKind.Percent when spec.Value < 100m:
                var share = (ulong)decimal.Floor(holding * spec.Value / 100m);
                if (share == 0)
                {
                    return (null, AboveBalance(action, token, 0, holding));
                }

                return share <= spendable
                    ? (PlannedAmount.Fixed(token.Mint, token.Symbol, token.Decimals, share), null)
                    : (null, AboveBalance(action, token, share, spendable));
            case AmountKind.Percent:
            case AmountKind.All:
                if (balanceChangedEarlier)
                {
                    return (PlannedAmount.FullBalance(token.Mint, token.Symbol, token.Decimals), null);
                }

                var all = isSol ? (holding > Planner.SolFeeReserve ? holding - Planner.SolFeeReserve : 0) : holding;
                return all > 0
                    ? (PlannedAmount.Fixed(token.Mint, token.Symbol, token.Decimals, all), null)
                    : (null, AboveBalance(action, token, 0, holding));
            default:
                if (!_planIndexOfIntent.TryGetValue(action.Index - 1, out var source) || !_receipts.TryGetValue(source, out var receipt) || receipt.Token.Mint != token.Mint)
                {
                    return (null, Reject(RejectionReason.InvalidReference, action, $"step {action.Index} uses the output of the step before it, which receives no {token.Symbol}"));
                }

                return (PlannedAmount.OutputOf(source, token.Mint, token.Symbol, token.Decimals), null);
        }
    }

    /// <summary>What a resolved amount is expected to be, for projections: exact, the receipt estimate, or the balance.</summary>
    private ulong Expected(PlannedAmount amount) => amount.Source switch
    {
        AmountSource.Fixed => amount.BaseUnits ?? 0,
        AmountSource.PreviousOutput => amount.FromStep is { } from && _receipts.TryGetValue(from, out var receipt) ? receipt.Estimate : 0,
        _ => _sheet.Balance(amount.Mint),
    };

    private static PromptError AboveBalance(IntentStep action, TokenInfo token, ulong requested, ulong available) => Reject(
        RejectionReason.AmountAboveBalance,
        action,
        requested == 0
            ? $"step {action.Index} (\"{action.Text}\") needs {token.Symbol}, but the wallet has none available"
            : $"step {action.Index} (\"{action.Text}\") needs {AmountFormat.Units(requested, token.Decimals)} {token.Symbol}, but only {AmountFormat.Units(available, token.Decimals)} {token.Symbol} is available after fees and earlier steps");

    private static PromptError Reject(RejectionReason reason, IntentStep action, string message) =>
        new(reason, message, action.Text, -1, action.Index);

    private void ChargeFee() => _sheet.Spend(TokenCatalog.SolMint, SimulatedLedger.SignatureFee);
}
