using System.Globalization;
using System.Text.Json;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Intents;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Planning.Bridge;

/// <summary>
/// A <see cref="FlowPlan"/> as a flow document in the reference format and back: <c>flow_type: dynamic</c>, one
/// <c>flow:</c> step per planned step, the wallet as <c>USER_WALLET_PUBKEY</c> owned by the System program with its
/// real balances, its token accounts as <c>USER_&lt;SYMBOL&gt;_ATA</c>, assertions derived from the plan, and the
/// plan's machine data under <c>plan</c>.
/// </summary>
public static partial class PlanDocuments
{
    /// <summary>The top-level key that carries the plan's machine data.</summary>
    public const string PlanKey = "plan";

    /// <summary>Tags of planned flow files.</summary>
    public static readonly IReadOnlyList<string> Tags = ["dynamic", "planner"];

    /// <summary>Pass threshold written into planned flow files.</summary>
    public const double MinScore = 0.75;

    /// <summary>Builds the document of a plan; <paramref name="context"/> gives the balances the plan was made with.</summary>
    public static FlowDocument ToDocument(FlowPlan plan, WalletContext context, LedgerSnapshot ledger)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ledger);
        var steps = plan.Steps.Select(static s => new FlowStep(
            s.Index, s.Description, s.Prompt, s.Critical, s.TimeoutSeconds,
            new EquatableArray<string>(s.DependsOn.Select(static d => $"step_{d}_result"))));
        var extra = new PlanExtra(
            plan.Wallet,
            plan.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            [.. plan.Steps.Select(static s => new PlanStepExtra(s.Id, s.Action, s.Tool, [.. s.Arguments], s.Amount, s.Recovery.MaxRetries, [.. s.Recovery.Alternates]))]);
        var json = JsonSerializer.Serialize(extra, PlanningJsonContext.Default.PlanExtra);
        return new FlowDocument(
            plan.PlanId,
            plan.Summary,
            new EquatableArray<string>(Tags),
            FlowType.Dynamic,
            InitialState(plan, context, ledger),
            plan.Prompt,
            new EquatableArray<FlowStep>(steps),
            new GroundTruth(null, MinScore, false, Assertions(plan, context), default, default, default),
            [new FlowExtra(PlanKey, json)]);
    }

    /// <summary>Reads a plan back from a planned flow document (bridge mode); a document without plan data is an error.</summary>
    public static PlanDecodeResult FromDocument(FlowDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var json = document.Extras.FirstOrDefault(static e => e.Key == PlanKey)?.Json;
        if (json is null)
        {
            return PlanDecodeResult.Failure($"{document.Id}: not a planned flow (no \"{PlanKey}\" key)");
        }

        PlanExtra? extra;
        try
        {
            extra = JsonSerializer.Deserialize(json, PlanningJsonContext.Default.PlanExtra);
        }
        catch (JsonException ex)
        {
            return PlanDecodeResult.Failure($"{document.Id}: the \"{PlanKey}\" key is malformed: {ex.Message}");
        }

        if (extra is null || extra.Steps.Count != document.Flow.Count)
        {
            return PlanDecodeResult.Failure($"{document.Id}: the \"{PlanKey}\" key describes {extra?.Steps.Count ?? 0} steps but flow: has {document.Flow.Count}");
        }

        if (!DateTimeOffset.TryParse(extra.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var createdAt))
        {
            return PlanDecodeResult.Failure($"{document.Id}: plan.created_at \"{extra.CreatedAt}\" is not a timestamp");
        }

        var steps = new List<PlannedStep>();
        for (var i = 0; i < document.Flow.Count; i++)
        {
            var step = document.Flow[i];
            var data = extra.Steps[i];
            var dependsOn = step.DependsOn.Select(static d => int.Parse(d.AsSpan(5).TrimEnd("_result"), CultureInfo.InvariantCulture));
            steps.Add(new PlannedStep(
                step.Step, data.Id, data.Action, data.Tool, step.Description, step.Prompt, new EquatableArray<ToolArgument>(data.Arguments), data.Amount,
                step.Critical, step.TimeoutSeconds ?? 30, new RecoveryPolicy(data.MaxRetries, new EquatableArray<Flows.Tools.RecoveryHint>(data.Alternates)),
                new EquatableArray<int>(dependsOn)));
        }

        return PlanDecodeResult.Success(new FlowPlan(document.Id, document.Prompt, extra.Wallet, createdAt, document.Description, new EquatableArray<PlannedStep>(steps)));
    }

    /// <summary>
    /// The key map that runs a planned document against the wallet's own ledger (direct mode): the wallet
    /// placeholder is the real wallet and each token-account placeholder its real (or associated) token account.
    /// </summary>
    public static KeyMap DirectKeyMap(FlowDocument document, string wallet, LedgerSnapshot ledger)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(ledger);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal) { [PlaceholderNames.Wallet] = wallet };
        foreach (var item in document.InitialState)
        {
            if (item.Data is { } data && Placeholders.IsPlaceholder(item.Pubkey))
            {
                var existing = ledger.Accounts.FirstOrDefault(a => a.Token is { } t && t.Owner == wallet && t.Mint == data.Mint);
                keys[item.Pubkey] = existing?.Pubkey ?? AssociatedTokenAddress.Derive(wallet, data.Mint);
            }
        }

        return new KeyMap(keys);
    }

    private static EquatableArray<InitialStateItem> InitialState(FlowPlan plan, WalletContext context, LedgerSnapshot ledger)
    {
        var items = new List<InitialStateItem> { new(PlaceholderNames.Wallet, ProgramIds.System, context.Lamports, null, null) };
        foreach (var recipient in plan.Steps.Select(static s => s.Argument("recipient_pubkey")).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (!Placeholders.IsPlaceholder(recipient))
            {
                var account = ledger.Find(recipient);
                items.Add(new InitialStateItem(recipient, account?.Owner ?? ProgramIds.System, account?.Lamports ?? 0, null, null));
            }
        }

        var mints = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var token in context.Tokens)
        {
            mints.Add(token.Mint);
        }

        foreach (var step in plan.Steps)
        {
            foreach (var name in (string[])["input_mint", "output_mint", "asset_mint", "asset", "mint_address"])
            {
                if (step.Argument(name) is { } mint)
                {
                    mints.Add(mint);
                    if (step.Action is ActionKind.Lend or ActionKind.Mint or ActionKind.Withdraw or ActionKind.Redeem && TokenCatalog.ShareTokenOf(mint) is { } share)
                    {
                        mints.Add(share.Mint);
                    }
                }
            }
        }

        foreach (var token in mints.Select(TokenCatalog.FindByMint).OfType<TokenInfo>().Where(static t => t.Mint != TokenCatalog.SolMint).OrderBy(static t => t.Symbol, StringComparer.Ordinal))
        {
            var amount = context.Tokens.FirstOrDefault(t => t.Mint == token.Mint)?.Amount ?? 0;
            items.Add(new InitialStateItem(
                PlaceholderNames.TokenAccount(token), ProgramIds.Token, SimulatedLedger.TokenAccountRent,
                new TokenAccountData(token.Mint, PlaceholderNames.Wallet, amount), null));
        }

        return new EquatableArray<InitialStateItem>(items);
    }
}
