using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>
/// A flow file in the reference benchmark format (REFERENCE §1), as parsed: placeholders are kept
/// as written and are resolved per run by <see cref="PlaceholderResolver"/>.
/// </summary>
/// <param name="Id">The file id (the file stem in the reference set).</param>
/// <param name="Description">Free text.</param>
/// <param name="Tags">Tags; the <c>dynamic</c> tag implies <see cref="FlowType.Dynamic"/>.</param>
/// <param name="FlowType">Static (default) or dynamic.</param>
/// <param name="InitialState">Accounts created on the ledger before the run.</param>
/// <param name="Prompt">The overall task.</param>
/// <param name="Flow">Steps of a multi-step flow; empty for a single-prompt file.</param>
/// <param name="GroundTruth">Scoring data.</param>
/// <param name="Extras">Unknown top-level keys, kept as JSON so that they survive a write-back.</param>
public sealed record FlowDocument(
    string Id,
    string Description,
    EquatableArray<string> Tags,
    FlowType FlowType,
    EquatableArray<InitialStateItem> InitialState,
    string Prompt,
    EquatableArray<FlowStep> Flow,
    GroundTruth GroundTruth,
    EquatableArray<FlowExtra> Extras)
{
    /// <summary>True when the file has a <c>flow:</c> list.</summary>
    public bool IsMultiStep => !Flow.IsEmpty;

    /// <summary>Number of steps run: the <c>flow:</c> length, or 1 for a single-prompt file.</summary>
    public int StepCount => IsMultiStep ? Flow.Count : 1;

    /// <summary>The prompt of a 1-based step; step 1 of a single-prompt file is its prompt.</summary>
    public string PromptOfStep(int step) => IsMultiStep ? Flow[step - 1].Prompt : Prompt;

    /// <summary>Whether the 1-based step is critical; a single-prompt file's only step is.</summary>
    public bool IsCritical(int step) => !IsMultiStep || Flow[step - 1].Critical;
}
