using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Planning.Intents;

/// <summary>A prompt understood as an ordered list of actions.</summary>
/// <param name="Prompt">The prompt as given.</param>
/// <param name="Steps">The actions, in order.</param>
public sealed record ParsedIntent(string Prompt, EquatableArray<IntentStep> Steps);
