using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Serialization;

/// <summary>
/// Source-generated JSON metadata for every type that crosses into grains. Enums are written as
/// their names; names are camelCase.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FlowDocument))]
[JsonSerializable(typeof(KeyMap))]
[JsonSerializable(typeof(LedgerSnapshot))]
[JsonSerializable(typeof(StepRequest))]
[JsonSerializable(typeof(StepOutcome))]
[JsonSerializable(typeof(FlowRunReport))]
[JsonSerializable(typeof(PreparedFlow))]
[JsonSerializable(typeof(ScoreReport))]
[JsonSerializable(typeof(ToolCallRecord))]
[JsonSerializable(typeof(ToolDefinition))]
[JsonSerializable(typeof(TransactionRecord))]
[JsonSerializable(typeof(ImmutableArray<string>))]
[JsonSerializable(typeof(ImmutableArray<InitialStateItem>))]
[JsonSerializable(typeof(ImmutableArray<FlowStep>))]
[JsonSerializable(typeof(ImmutableArray<FinalStateAssertion>))]
[JsonSerializable(typeof(ImmutableArray<ExpectedInstruction>))]
[JsonSerializable(typeof(ImmutableArray<ExpectedAccount>))]
[JsonSerializable(typeof(ImmutableArray<SuccessCriterion>))]
[JsonSerializable(typeof(ImmutableArray<FlowExtra>))]
[JsonSerializable(typeof(ImmutableArray<AccountSnapshot>))]
[JsonSerializable(typeof(ImmutableArray<LendingPoolSnapshot>))]
[JsonSerializable(typeof(ImmutableArray<LendingPositionSnapshot>))]
[JsonSerializable(typeof(ImmutableArray<TransactionRecord>))]
[JsonSerializable(typeof(ImmutableArray<InstructionRecord>))]
[JsonSerializable(typeof(ImmutableArray<AccountMetaRecord>))]
[JsonSerializable(typeof(ImmutableArray<ToolCallRecord>))]
[JsonSerializable(typeof(ImmutableArray<StepOutcome>))]
[JsonSerializable(typeof(ImmutableArray<StepScoreEntry>))]
[JsonSerializable(typeof(ImmutableArray<AssertionResult>))]
[JsonSerializable(typeof(ImmutableArray<InstructionMatch>))]
[JsonSerializable(typeof(ImmutableArray<PlaceholderBalance>))]
public sealed partial class FlowsJsonContext : JsonSerializerContext;
