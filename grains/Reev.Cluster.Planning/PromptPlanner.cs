using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Diagnostics;
using Reev.Cluster.Planning.Intents;
using Reev.Cluster.Planning.Plans;
using Reev.Cluster.Planning.Templates;

namespace Reev.Cluster.Planning;

/// <summary>
/// The planning entry point: prompt → validation and intent → wallet context (cached balances and prices) →
/// plan → flow document, kept in memory (direct mode) or written to a temporary flow file, loaded back with the
/// flow file loader and removed (bridge mode). Rejected prompts are results, never exceptions. Thread-safe.
/// </summary>
public sealed partial class PromptPlanner
{
    private readonly ContextResolver _resolver;
    private readonly TemplateEngine _templates;
    private readonly PlanningMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly PlanningOptions _options;
    private readonly ILogger _logger;
    private readonly Planner _planner;

    public PromptPlanner(
        ContextResolver resolver,
        TemplateEngine templates,
        PlanningMetrics metrics,
        TimeProvider timeProvider,
        PlanningOptions? options = null,
        ILogger<PromptPlanner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _resolver = resolver;
        _templates = templates;
        _metrics = metrics;
        _time = timeProvider;
        _options = options ?? new PlanningOptions();
        _logger = logger ?? NullLogger<PromptPlanner>.Instance;
        _planner = new Planner(templates, _options);
    }

    /// <summary>Creates a planner with its own resolver, templates and metrics (tests, tools, single-process hosts).</summary>
    public static PromptPlanner Create(TimeProvider timeProvider, PlanningOptions? options = null, PlanningMetrics? metrics = null, ILogger<PromptPlanner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new PlanningOptions();
        metrics ??= new PlanningMetrics();
        var resolver = new ContextResolver(timeProvider, metrics, options);
        return new PromptPlanner(resolver, new TemplateEngine(resolver, metrics), metrics, timeProvider, options, logger);
    }

    /// <summary>The context resolver (its cache statistics are the balance and price hit rates).</summary>
    public ContextResolver Context => _resolver;

    /// <summary>The template engine (its cache statistics and compilation count).</summary>
    public TemplateEngine Templates => _templates;

    /// <summary>Validates, parses and plans a prompt, without building a flow document.</summary>
    public PlanResult Plan(PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PlanCore(request, out _);
    }

    /// <summary>Plans a prompt and produces its flow document in <paramref name="mode"/>.</summary>
    public async Task<PlanningResult> PlanAsync(PlanRequest request, PlanningMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = PlanningTelemetry.Source.StartActivity("plan prompt", ActivityKind.Internal);
        var modeTag = ModeTag(mode);
        activity?.SetTag("reev.planning.mode", modeTag);
        var started = _time.GetTimestamp();
        var planned = PlanCore(request, out var context);
        if (!planned.IsSuccess)
        {
            activity?.SetStatus(ActivityStatusCode.Error, planned.Error.Reason.ToString());
            _metrics.Planned(modeTag, accepted: false, _time.GetElapsedTime(started).TotalMilliseconds);
            PlanningLog.Rejected(_logger, planned.Error.Reason, planned.Error.Message);
            return PlanningResult.Failure(planned.Error);
        }

        var document = PlanDocuments.ToDocument(planned.Plan, context!, request.Ledger);
        var keyMap = PlanDocuments.DirectKeyMap(document, request.Wallet, request.Ledger);
        var flow = mode == PlanningMode.Bridge
            ? await BridgeAsync(planned.Plan, document, keyMap, request.Ledger, cancellationToken).ConfigureAwait(false)
            : new PlannedFlow(PlanningMode.Direct, planned.Plan, document, keyMap, request.Ledger, null, null);
        var elapsed = _time.GetElapsedTime(started).TotalMilliseconds;
        _metrics.Planned(modeTag, accepted: true, elapsed);
        activity?.SetTag("reev.planning.steps", flow.Plan.Steps.Count);
        PlanningLog.Planned(_logger, flow.Plan.PlanId, modeTag, flow.Plan.Steps.Count, elapsed);
        return PlanningResult.Success(flow);
    }

    private PlanResult PlanCore(PlanRequest request, out WalletContext? context)
    {
        context = null;
        var parsed = IntentParser.Parse(request.Prompt);
        if (!parsed.IsSuccess)
        {
            return PlanResult.Failure(parsed.Error);
        }

        if (request.Wallet is null || !Base58.IsPublicKey(request.Wallet))
        {
            return PlanResult.Failure(new PromptError(
                RejectionReason.InvalidAddress, $"the wallet \"{request.Wallet}\" is not a base58 Solana address", request.Wallet, -1, 0));
        }

        ArgumentNullException.ThrowIfNull(request.Ledger);
        context = _resolver.Resolve(request.Ledger, request.Wallet);
        var ledger = SimulatedLedger.FromSnapshot(request.Ledger);
        return _planner.Plan(parsed.Intent, context, ledger, request.PlanId ?? NewPlanId(), _time.GetUtcNow());
    }

    private async Task<PlannedFlow> BridgeAsync(FlowPlan plan, FlowDocument document, KeyMap keyMap, LedgerSnapshot ledger, CancellationToken cancellationToken)
    {
        using var activity = PlanningTelemetry.Source.StartActivity("write bridge file", ActivityKind.Internal);
        var yaml = PlanDocuments.ToYaml(document, _templates);
        var directory = string.IsNullOrWhiteSpace(_options.BridgeDirectory) ? Path.GetTempPath() : _options.BridgeDirectory;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"reev-plan-{SafeFileName(plan.PlanId)}-{Guid.NewGuid():N}.yml");
        try
        {
            await using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(yaml.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            PlanningLog.BridgeFileWritten(_logger, path, yaml.Length);
            var loaded = await FlowFileLoader.LoadAsync(path, cancellationToken).ConfigureAwait(false);
            if (!loaded.IsSuccess)
            {
                throw new InvalidOperationException($"the bridge file of plan {plan.PlanId} does not load: {loaded.Error}");
            }

            var decoded = PlanDocuments.FromDocument(loaded.Document);
            if (!decoded.IsSuccess)
            {
                throw new InvalidOperationException($"the bridge file of plan {plan.PlanId} does not decode: {decoded.Error}");
            }

            return new PlannedFlow(PlanningMode.Bridge, decoded.Plan, loaded.Document, keyMap, ledger, yaml, path);
        }
        finally
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                PlanningLog.BridgeFileNotRemoved(_logger, ex, path);
            }
        }
    }

    private string NewPlanId() =>
        string.Create(CultureInfo.InvariantCulture, $"dynamic-{_time.GetUtcNow().ToUnixTimeSeconds()}-{Guid.NewGuid():N}")[..^24];

    private static string SafeFileName(string id) => string.Concat(id.Select(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    private static string ModeTag(PlanningMode mode) => mode == PlanningMode.Bridge ? "bridge" : "direct";
}
