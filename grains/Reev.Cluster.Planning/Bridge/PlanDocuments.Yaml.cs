using System.Globalization;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Planning.Templates;

namespace Reev.Cluster.Planning.Bridge;

public static partial class PlanDocuments
{
    /// <summary>
    /// Renders a planned document as a flow file through the <c>flow/flow.yml</c> template. The text loads with
    /// <see cref="FlowFileLoader"/> back into an equal document (the bridge-mode test checks exactly that).
    /// </summary>
    /// <exception cref="ArgumentException">The document holds what planned documents never hold (a lending position entry, expected instructions).</exception>
    public static string ToYaml(FlowDocument document, TemplateEngine templates)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(templates);
        if (document.InitialState.Any(static i => i.LendingPosition is not null) || !document.GroundTruth.ExpectedInstructions.IsEmpty)
        {
            throw new ArgumentException($"{document.Id} is not a planned flow document", nameof(document));
        }

        var plan = document.Extras.FirstOrDefault(static e => e.Key == PlanKey)?.Json
            ?? throw new ArgumentException($"{document.Id} has no \"{PlanKey}\" key", nameof(document));
        var model = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = document.Id,
            ["description"] = document.Description,
            ["tags"] = document.Tags.Items,
            ["prompt"] = document.Prompt,
            ["initial_state"] = document.InitialState.Select(static item => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["pubkey"] = item.Pubkey,
                ["owner"] = item.Owner,
                ["lamports"] = item.Lamports ?? 0,
                ["data"] = item.Data is { } data
                    ? new Dictionary<string, object?>(StringComparer.Ordinal)
                    {
                        ["mint"] = data.Mint,
                        ["owner"] = data.Owner,
                        ["amount"] = data.Amount.ToString(CultureInfo.InvariantCulture),
                    }
                    : null,
            }).ToList(),
            ["steps"] = document.Flow.Select(static step => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["step"] = step.Step,
                ["description"] = step.Description,
                ["prompt"] = step.Prompt,
                ["critical"] = step.Critical ? "true" : "false",
                ["timeout"] = step.TimeoutSeconds ?? 30,
                ["depends_on"] = step.DependsOn.IsEmpty ? null : step.DependsOn.Items,
            }).ToList(),
            ["min_score"] = (document.GroundTruth.MinScore ?? MinScore).ToString("R", CultureInfo.InvariantCulture),
            ["assertions"] = document.GroundTruth.FinalStateAssertions.Select(static a => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["type"] = a.Type.ToString(),
                ["pubkey"] = a.Pubkey,
                ["expected_gte"] = a.ExpectedGte?.ToString(CultureInfo.InvariantCulture),
                ["expected_change_gte"] = a.ExpectedChangeGte?.ToString(CultureInfo.InvariantCulture),
                ["weight"] = a.Weight.ToString("R", CultureInfo.InvariantCulture),
            }).ToList(),
            ["plan_json"] = plan,
        };
        return templates.Render(TemplateNames.FlowYaml, model);
    }
}
