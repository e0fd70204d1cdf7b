using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Intents;
using Reev.Cluster.Planning.Templates;

namespace Reev.Cluster.Planning.Plans;

/// <summary>
/// Turns a parsed intent and a wallet context into a <see cref="FlowPlan"/>: amounts in base units (percentages
/// and "all" of the wallet's real balances, estimates at oracle prices), one tool step per action, a leading
/// balance check and a trailing positions check (non-critical) when configured, prompts rendered from the templates.
/// </summary>
internal sealed class Planner
{
    /// <summary>Lamports kept back when a plan uses "all" of the wallet's SOL: fees and token-account rent.</summary>
    public const ulong SolFeeReserve = 10_000_000;

    /// <summary>Swap slippage tolerance written into swap steps (3%, as the reference planner used).</summary>
    public const int DefaultSlippageBps = 300;

    /// <summary>Id of the leading balance check step.</summary>
    public const string BalanceCheckId = "balance_check";

    /// <summary>Id of the trailing positions check step.</summary>
    public const string PositionsCheckId = "positions_check";

    private readonly TemplateEngine _templates;
    private readonly PlanningOptions _options;

    public Planner(TemplateEngine templates, PlanningOptions options)
    {
        _templates = templates;
        _options = options;
    }

    public PlanResult Plan(ParsedIntent intent, WalletContext context, ILedgerReader ledger, string planId, DateTimeOffset now) =>
        new PlanBuilder(_templates, _options, context, ledger).Build(intent, planId, now);
}
