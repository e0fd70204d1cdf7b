using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Client;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Agents.OpenAi;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Gateway.Diagnostics;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.Gateway.Security;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Planning;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Gateway.Executions;

/// <summary>
/// Turns a POST into a durably accepted execution: validates the body (400 naming the field), plans prompts
/// (422 with the planner's reason), derives the execution id from the <c>Idempotency-Key</c> (so a retried POST
/// finds the same execution on any gateway), sends Start (idempotent per execution id) and answers 202.
/// </summary>
internal sealed class ExecutionSubmitter
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The agents the grains' registry holds (the flow library's names).</summary>
    public static readonly IReadOnlyList<string> KnownAgents = [DeterministicAgent.AgentName, NoopAgent.AgentName, OpenAiAgent.AgentName];

    /// <summary>The preparation error of each loaded flow file's document (null when it prepares); dropped with the catalog's entry.</summary>
    private static readonly ConditionalWeakTable<FlowDocument, StrongBox<FlowFileError?>> Prepared = new();

    private const decimal DefaultSol = 5m;
    private const decimal DefaultUsdc = 1000m;
    private const decimal MaxBalance = 1_000_000_000m;
    private readonly IReevCluster _cluster;
    private readonly RecoveryDefaults _defaults;
    private readonly PromptPlanner _planner;
    private readonly ILogger _logger;

    public ExecutionSubmitter(IReevCluster cluster, RecoveryDefaults defaults, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _cluster = cluster;
        _defaults = defaults;
        _planner = PromptPlanner.Create(timeProvider, logger: loggerFactory.CreateLogger<PromptPlanner>());
        _logger = loggerFactory.CreateLogger<ExecutionSubmitter>();
    }

    public async Task<IResult> SubmitFileAsync(HttpContext http, string benchmarkId, FlowFileLoadResult load, RunBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(body);
        if (ExecutionIdFor(http, "run", out var problem) is not { } executionId)
        {
            return problem!;
        }

        var fingerprint = Fingerprint("run", benchmarkId, body);
        if (await ReplayAsync(http, executionId, FlowSource.File, benchmarkId, fingerprint).ConfigureAwait(false) is { } replay)
        {
            return replay;
        }

        if (!load.IsSuccess)
        {
            return FlowFileProblem(load.Error!);
        }

        var agent = (body.Agent ?? body.Config?.AgentType ?? DeterministicAgent.AgentName).Trim().ToLowerInvariant();
        if (body.Faults is { } faults && FaultSpec.Parse(faults) is { IsSuccess: false } parsed)
        {
            return Problems.Validation("faults", $"faults: {parsed.Error}");
        }

        var request = new ExecutionRequest
        {
            // The API names a flow file by its file name; a file whose id: says otherwise runs under the name it was
            // asked by, so that its status, stop and retried POSTs find it again.
            Document = load.Document!.Id == benchmarkId ? load.Document! : load.Document! with { Id = benchmarkId },
            Source = FlowSource.File,
            Agent = agent,
            AtomicMode = body.AtomicMode ?? AtomicMode.Conditional,
            Recovery = (body.RecoveryConfig ?? new RecoveryConfigBody()).ApplyTo(_defaults.Current.Config),
            Seed = body.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue),
            FaultSpec = string.IsNullOrWhiteSpace(body.Faults) ? null : body.Faults,
            SubmittedBy = Caller(http),
            Fingerprint = fingerprint,
        };
        if ((CheckFields(request) ?? PreparationProblem(load, request.Seed)) is { } invalid)
        {
            return invalid;
        }

        return await AcceptAsync(http, executionId, "run", benchmarkId, request).ConfigureAwait(false);
    }

    public async Task<IResult> SubmitPromptAsync(HttpContext http, string kind, PromptBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(body);
        var source = kind == "bridge" ? FlowSource.Bridge : FlowSource.Direct;
        if (ExecutionIdFor(http, kind, out var problem) is not { } executionId)
        {
            return problem!;
        }

        var fingerprint = Fingerprint(kind, null, body);
        if (await ReplayAsync(http, executionId, source, null, fingerprint).ConfigureAwait(false) is { } replay)
        {
            return replay;
        }

        if (string.IsNullOrWhiteSpace(body.Prompt))
        {
            return Problems.Validation("prompt", "prompt: required (what to do, e.g. \"swap 0.1 SOL to USDC\").");
        }

        var sol = body.WalletSol ?? DefaultSol;
        var usdc = body.WalletUsdc ?? DefaultUsdc;
        if (sol is < 0 or > MaxBalance)
        {
            return Problems.Validation("wallet_sol", $"wallet_sol: must be between 0 and {MaxBalance:0} (got {sol}).");
        }

        if (usdc is < 0 or > MaxBalance)
        {
            return Problems.Validation("wallet_usdc", $"wallet_usdc: must be between 0 and {MaxBalance:0} (got {usdc}).");
        }

        var address = body.Wallet;
        if (address is null)
        {
            address = Base58.Encode(RandomNumberGenerator.GetBytes(32));
        }
        else if (!IsAddress(address))
        {
            return Problems.Validation("wallet", "wallet: not a base58 Solana address of 32 bytes.");
        }

        var ledger = SimulatedLedger.CreateEmpty();
        ledger.SetSystemAccount(address, (ulong)decimal.Truncate(sol * 1_000_000_000m));
        ledger.SetTokenAccount(AssociatedTokenAddress.Derive(address, TokenCatalog.UsdcMint), TokenCatalog.UsdcMint, address, (ulong)decimal.Truncate(usdc * 1_000_000m));
        var mode = source == FlowSource.Bridge ? PlanningMode.Bridge : PlanningMode.Direct;
        var planned = await _planner.PlanAsync(new PlanRequest(body.Prompt, address, ledger.ToSnapshot(), executionId), mode, cancellationToken).ConfigureAwait(false);
        if (!planned.IsSuccess)
        {
            var error = planned.Error;
            return Problems.Unprocessable("prompt_rejected", error.Message, "prompt", new Dictionary<string, object?>
            {
                ["reason"] = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(error.Reason.ToString()),
                ["subject"] = error.Subject,
                ["position"] = error.Position >= 0 ? error.Position : null,
            });
        }

        var request = new ExecutionRequest
        {
            Document = planned.Flow.Document,
            Source = source,
            OriginalPrompt = body.Prompt,
            Agent = (body.Agent ?? DeterministicAgent.AgentName).Trim().ToLowerInvariant(),
            AtomicMode = body.AtomicMode ?? AtomicMode.Conditional,
            Recovery = (body.RecoveryConfig ?? new RecoveryConfigBody()).ApplyTo(_defaults.Current.Config),
            Seed = body.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue),
            SubmittedBy = Caller(http),
            Fingerprint = fingerprint,
        };
        if (Check(request, null) is { } invalid)
        {
            return invalid;
        }

        return await AcceptAsync(http, executionId, kind, null, request).ConfigureAwait(false);
    }

    private async Task<IResult> AcceptAsync(HttpContext http, string executionId, string kind, string? benchmarkId, ExecutionRequest request)
    {
        using var activity = GatewayTelemetry.Source.StartActivity("accept execution");
        activity?.SetTag("reev.execution.kind", kind);
        var grain = _cluster.Grains.GetGrain<IExecutionGrain>(executionId);
        await grain.StartAsync(request).ConfigureAwait(false);
        if (http.Request.Headers.ContainsKey(IdempotencyHeader)
            && await grain.ReadAsync().ConfigureAwait(false) is { Fingerprint: { } stored } started
            && !string.Equals(stored, request.Fingerprint, StringComparison.Ordinal))
        {
            // Two requests with one key raced past the replay check: the grain kept the first Start it received and
            // ignored this one (the read is delivered after this Start, so it sees which won). This one was not accepted.
            return KeyReused(executionId, started);
        }

        GatewayTelemetry.ExecutionsAccepted.Add(1, new KeyValuePair<string, object?>("kind", kind));
        var caller = Caller(http);
        GatewayLog.ExecutionAccepted(_logger, executionId, kind, caller);
        return Accepted(http, executionId, kind, benchmarkId, request.Document.Id);
    }

    /// <summary>A retried POST (same Idempotency-Key, so the same execution id): the same 202, or 409 if the key was used for another request.</summary>
    private async Task<IResult?> ReplayAsync(HttpContext http, string executionId, FlowSource source, string? benchmarkId, string fingerprint)
    {
        if (!http.Request.Headers.ContainsKey(IdempotencyHeader))
        {
            return null;
        }

        var existing = await _cluster.Grains.GetGrain<IExecutionGrain>(executionId).ReadAsync().ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }

        // Executions accepted before fingerprints were kept are matched by their source and flow, as they were then.
        var differs = existing.Fingerprint is { } stored
            ? !string.Equals(stored, fingerprint, StringComparison.Ordinal)
            : existing.Source != source || (benchmarkId is not null && existing.FlowId != benchmarkId);
        if (differs)
        {
            return KeyReused(executionId, existing);
        }

        http.Response.Headers["Idempotent-Replayed"] = "true";
        var kind = existing.Fingerprint is { } known && known.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon
            ? known[..colon]
            : existing.Source switch { FlowSource.Bridge => "bridge", FlowSource.Direct => executionId.StartsWith("recovery-", StringComparison.Ordinal) ? "recovery" : "direct", _ => "run" };
        return Accepted(http, executionId, kind, benchmarkId, existing.FlowId);
    }

    private static ProblemHttpResult KeyReused(string executionId, ExecutionView existing) =>
        Problems.Conflict("idempotency_key_reused", "The Idempotency-Key was used for another request.",
            $"Execution {executionId} was created by this key for another request (a {existing.Source.ToString().ToLowerInvariant()} flow '{existing.FlowId}'); use a new key for a new request.",
            new Dictionary<string, object?> { ["execution_id"] = executionId, ["field"] = IdempotencyHeader });

    private static JsonHttpResult<AcceptedExecution> Accepted(HttpContext http, string executionId, string kind, string? benchmarkId, string flowId)
    {
        var links = Links(executionId);
        http.Response.Headers.Location = links.Self;
        return TypedResults.Json(new AcceptedExecution(executionId, "queued", kind, benchmarkId, flowId, links), GatewayJson.Options, "application/json", StatusCodes.Status202Accepted);
    }

    public static ExecutionLinks Links(string executionId)
    {
        var id = Uri.EscapeDataString(executionId);
        return new ExecutionLinks(
            $"/api/v1/executions/{id}",
            $"/api/v1/executions/{id}",
            $"/api/v1/executions/{id}/events",
            $"/api/v1/flows/{id}",
            $"/api/v1/executions/{id}",
            $"/api/v1/executions/{id}/consolidated");
    }

    /// <summary>
    /// A fresh id, or (with an Idempotency-Key) one derived from the caller and the key, so that retries land on the
    /// same execution grain, whose Start is idempotent.
    /// </summary>
    /// <summary>The request's Idempotency-Key (null without one), or the 400 when it is not one value of 1 to 200 printable characters.</summary>
    internal static ProblemHttpResult? ReadIdempotencyKey(HttpContext http, out string? key)
    {
        key = null;
        if (!http.Request.Headers.TryGetValue(IdempotencyHeader, out var values))
        {
            return null;
        }

        if (values is not [{ Length: > 0 and <= 200 } single] || single.Any(char.IsControl))
        {
            return Problems.Validation(IdempotencyHeader, $"{IdempotencyHeader}: one value of 1 to 200 printable characters.");
        }

        key = single;
        return null;
    }

    private static string? ExecutionIdFor(HttpContext http, string kind, out IResult? problem)
    {
        problem = ReadIdempotencyKey(http, out var key);
        if (problem is not null)
        {
            return null;
        }

        if (key is null)
        {
            return $"{kind}-{Guid.NewGuid():N}";
        }

        // From the caller and the key only, not the endpoint: the same key on another endpoint finds the same execution
        // and is a 409 there, not a second execution.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Caller(http) + "\n" + key));
        return $"key-{Convert.ToHexStringLower(hash.AsSpan(0, 16))}";
    }

    /// <summary>"kind:hash" of the endpoint, the benchmark and the body as the gateway read it (field order and spacing do not count).</summary>
    private static string Fingerprint<TBody>(string kind, string? benchmarkId, TBody body)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(body, GatewayJson.Options);
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(kind + "\n" + benchmarkId + "\n"), .. json]);
        return $"{kind}:{Convert.ToHexStringLower(hash.AsSpan(0, 16))}";
    }

    private static ProblemHttpResult? Check(ExecutionRequest request, FlowSourceMap? sourceMap)
    {
        if (CheckFields(request) is { } invalid)
        {
            return invalid;
        }

        var prepared = FlowPreparation.Prepare(request.Document, request.Seed, sourceMap);
        return prepared.IsSuccess ? null : FlowFileProblem(prepared.Error!);
    }

    private static ProblemHttpResult? CheckFields(ExecutionRequest request)
    {
        var problems = request.Validate(KnownAgents);
        return problems.Count > 0 ? Problems.Validation(Problems.FieldOf(problems[0]), string.Join(" ", problems)) : null;
    }

    /// <summary>
    /// Whether a flow file's document prepares (placeholders resolve, initial_state fits the ledger), checked once per
    /// loaded file rather than per POST: the seed only picks the fresh wallet keys, and none of the errors depends on
    /// them (a missing or twice-declared placeholder, a share total past 2^64 - 1 are errors for every seed). The
    /// execution grain prepares the document again with the request's seed.
    /// </summary>
    private static ProblemHttpResult? PreparationProblem(FlowFileLoadResult load, int seed)
    {
        var document = load.Document!;
        if (!Prepared.TryGetValue(document, out var prepared))
        {
            prepared = new StrongBox<FlowFileError?>(FlowPreparation.Prepare(document, seed, load.SourceMap).Error);
            Prepared.AddOrUpdate(document, prepared);
        }

        return prepared.Value is { } error ? FlowFileProblem(error) : null;
    }

    private static ProblemHttpResult FlowFileProblem(FlowFileError error) =>
        Problems.Unprocessable("invalid_flow_file", error.ToString(), error.Field, new Dictionary<string, object?>
        {
            ["file"] = Path.GetFileName(error.File),
            ["line"] = error.Line > 0 ? error.Line : null,
            ["column"] = error.Column > 0 ? error.Column : null,
        });

    private static bool IsAddress(string text) => text.Length is >= 32 and <= 44 && Base58.IsPublicKey(text);

    public static string Caller(HttpContext http) => http.Items[GatewayAccessFilter.ItemKey] is GatewayCaller caller ? caller.Name : "anonymous";
}
