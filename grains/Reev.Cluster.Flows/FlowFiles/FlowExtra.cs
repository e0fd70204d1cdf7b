namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>A key the model does not type, kept with its value as compact JSON.</summary>
public sealed record FlowExtra(string Key, string Json);
