namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>What is wrong in a flow file and where.</summary>
/// <param name="File">File name or path ("&lt;inline&gt;" for text without a file).</param>
/// <param name="Line">1-based line, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
/// <param name="Field">Field path, e.g. <c>ground_truth.final_state_assertions[1].type</c>.</param>
/// <param name="Message">What is wrong.</param>
public sealed record FlowFileError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"{File}:{Line}:{Column}: {Field}: {Message}" : $"{File}: {Field}: {Message}";
}
