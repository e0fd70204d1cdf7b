using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reev.Cluster.Client;
using Reev.Cluster.Gateway.Executions;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.Gateway.Security;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Recovery;

/// <summary>
/// User alternate-flow strategies (<c>/api/v1/recovery/strategies</c>): registered and deleted by admins, listed by readers,
/// kept by the recovery grain so every silo consults the same ones.
/// </summary>
internal static class StrategyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var admin = new RequiredRole(GatewayRole.Admin);
        api.MapPost("/recovery/strategies", CreateAsync).WithMetadata(admin).WithName("CreateRecoveryStrategy")
            .Accepts<RecoveryStrategyBody>("application/json").Produces<RecoveryStrategyResource>(StatusCodes.Status201Created);
        api.MapGet("/recovery/strategies", ListAsync).WithName("ListRecoveryStrategies").Produces<RecoveryStrategyListResource>();
        api.MapGet("/recovery/strategies/{strategyId}", GetAsync).WithName("GetRecoveryStrategy").Produces<RecoveryStrategyResource>();
        api.MapDelete("/recovery/strategies/{strategyId}", DeleteAsync).WithMetadata(admin).WithName("DeleteRecoveryStrategy")
            .Produces(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IReevCluster cluster, IOptions<GatewayOptions> options, ILogger<RecoveryStrategyBody> logger, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RecoveryStrategyBody>(http.Request, options.Value.MaxRequestBodyBytes, optional: false, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        // The same rules as for executions: one value, printable, bounded.
        if (ExecutionSubmitter.ReadIdempotencyKey(http, out var requestId) is { } badKey)
        {
            return badKey;
        }

        var draft = ToDraft(body.Value!, out var invalid);
        if (invalid is not null)
        {
            return invalid;
        }

        draft = draft! with { CreatedBy = ExecutionSubmitter.Caller(http), RequestId = requestId };
        var problems = draft.Validate();
        if (problems.Count > 0)
        {
            return Problems.Validation(Problems.FieldOf(problems[0]), problems[0]);
        }

        var result = await cluster.Grains.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key).AddStrategyAsync(draft).ConfigureAwait(false);
        if (result.Strategy is not { } strategy)
        {
            var refusal = result.Problem ?? "strategies: the recovery grain refused the strategy.";
            if (refusal.StartsWith(ExecutionSubmitter.IdempotencyHeader + ":", StringComparison.Ordinal))
            {
                return Problems.Conflict("idempotency_key_reused", "The Idempotency-Key was used for another request.", refusal,
                    new Dictionary<string, object?> { ["field"] = ExecutionSubmitter.IdempotencyHeader });
            }

            return refusal.StartsWith("strategies:", StringComparison.Ordinal)
                ? Problems.Conflict("strategy_limit", "The strategy registry is full.", refusal)
                : Problems.Validation(Problems.FieldOf(refusal), refusal);
        }

        if (!result.Existing)
        {
            var alternate = RecoveryStrategyDraft.NameOf(strategy.Alternate);
            StrategyLog.StrategyRegistered(logger, strategy.Id, draft.CreatedBy!, alternate);
        }

        var resource = RecoveryStrategyResource.From(strategy);
        http.Response.Headers.Location = resource.Links.Self;
        return TypedResults.Json(resource, GatewayJson.Options, "application/json", StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IReevCluster cluster)
    {
        var strategies = await cluster.Grains.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key).ListStrategiesAsync().ConfigureAwait(false);
        var items = strategies.Select(RecoveryStrategyResource.From).ToList();
        return Conditional.Json(http, new RecoveryStrategyListResource(items, items.Count));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string strategyId, IReevCluster cluster)
    {
        if (!Ids.IsValid(strategyId))
        {
            return InvalidId(strategyId);
        }

        var strategies = await cluster.Grains.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key).ListStrategiesAsync().ConfigureAwait(false);
        return strategies.FirstOrDefault(s => s.Id == strategyId) is { } strategy
            ? Conditional.Json(http, RecoveryStrategyResource.From(strategy))
            : Problems.NotFound("Recovery strategy", strategyId, "strategy_id");
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string strategyId, IReevCluster cluster, ILogger<RecoveryStrategyBody> logger)
    {
        if (!Ids.IsValid(strategyId))
        {
            return InvalidId(strategyId);
        }

        if (!await cluster.Grains.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key).RemoveStrategyAsync(strategyId).ConfigureAwait(false))
        {
            return Problems.NotFound("Recovery strategy", strategyId, "strategy_id");
        }

        var caller = ExecutionSubmitter.Caller(http);
        StrategyLog.StrategyDeleted(logger, strategyId, caller);
        return TypedResults.NoContent();
    }

    /// <summary>The body as a draft, or the 400 naming the field that cannot be read (the draft's own rules come after).</summary>
    private static RecoveryStrategyDraft? ToDraft(RecoveryStrategyBody body, out IResult? problem)
    {
        problem = null;
        var kind = StrategyPatternKind.Substring;
        // Names only (substring, regex): Enum.TryParse would also take "1" and "substring, regex".
        if (body.PatternKind is { } patternKind && !Http.LenientEnumConverterFactory.TryParse(patternKind.Trim(), out kind) || !Enum.IsDefined(kind))
        {
            problem = Problems.Validation("pattern_kind", $"pattern_kind: must be substring or regex (got '{body.PatternKind}').");
            return null;
        }

        if (string.IsNullOrWhiteSpace(body.Alternate))
        {
            problem = Problems.Validation("alternate", $"alternate: required, one of {string.Join(", ", RecoveryStrategyDraft.AlternateNames)}.");
            return null;
        }

        if (!RecoveryStrategyDraft.TryParseAlternate(body.Alternate, out var alternate))
        {
            problem = Problems.Validation("alternate", $"alternate: unknown alternate '{body.Alternate}' (known: {string.Join(", ", RecoveryStrategyDraft.AlternateNames)}).");
            return null;
        }

        return new RecoveryStrategyDraft
        {
            ErrorPattern = body.ErrorPattern ?? string.Empty,
            PatternKind = kind,
            Tool = string.IsNullOrWhiteSpace(body.Tool) ? null : body.Tool.Trim(),
            Alternate = alternate,
            Priority = body.Priority ?? 0,
        };
    }

    private static ProblemHttpResult InvalidId(string id) =>
        Problems.Validation("strategy_id", $"strategy_id: '{(id.Length > 40 ? id[..40] + "..." : id)}' is not a strategy id.");
}
