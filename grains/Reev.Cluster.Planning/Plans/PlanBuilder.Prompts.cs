using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Planning.Plans;

internal sealed partial class PlanBuilder
{
    /// <summary>
    /// The variables every step template may use. All keys are always present (templates are strict, so a typo
    /// in a template fails instead of rendering an empty string); absent values are null.
    /// </summary>
    private Dictionary<string, object?> StepData(int index, string title, TokenInfo? token, PlannedAmount? amount)
    {
        var units = amount?.BaseUnits;
        var source = amount?.FromStep is { } from && _receipts.TryGetValue(from, out var receipt) ? receipt.Source : null;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["index"] = index,
            ["title"] = title,
            ["wallet"] = _context,
            ["wallet_account"] = Plans.PlaceholderNames.Wallet,
            ["token"] = token?.Symbol,
            ["amount"] = units is { } u && token is not null ? AmountFormat.Units(u, token.Decimals) : null,
            ["value_usd"] = units is { } v && token is not null ? v / token.UnitsPerToken * (_context.PriceOf(token.Symbol) ?? 0m) : 0m,
            ["from_step"] = amount?.FromStep,
            ["source"] = source,
            ["from"] = null,
            ["to"] = null,
            ["to_account"] = null,
            ["estimate"] = null,
            ["minimum"] = null,
            ["slippage_bps"] = Planner.DefaultSlippageBps,
            ["share"] = null,
            ["asset"] = null,
            ["recipient"] = null,
            ["mint"] = null,
            ["from_account"] = null,
        };
    }

    /// <summary>
    /// The flow's description: the swap-then-lend scenario when the prompt is exactly that (a swap whose output is
    /// lent), otherwise the generic sequence scenario. Both include the step templates as partials.
    /// </summary>
    private string Summary()
    {
        var actions = _steps.Select((s, i) => (Step: s, Data: _stepData[i])).Where(static p => !p.Step.IsCheck || !p.Step.Id.EndsWith("_check", StringComparison.Ordinal)).ToList();
        if (actions.Count == 2 && actions[0].Step.Action == Intents.ActionKind.Swap && actions[1].Step.Action == Intents.ActionKind.Lend
            && actions[1].Step.Amount?.FromStep == actions[0].Step.Index)
        {
            return _templates.Render(Templates.TemplateNames.SwapThenLend, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["wallet"] = _context,
                ["swap"] = actions[0].Data,
                ["lend"] = actions[1].Data,
            });
        }

        return _templates.Render(Templates.TemplateNames.Sequence, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["wallet"] = _context,
            ["count"] = _steps.Count,
            ["steps"] = _stepData,
        });
    }
}
