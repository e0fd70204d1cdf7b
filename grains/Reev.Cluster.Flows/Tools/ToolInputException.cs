namespace Reev.Cluster.Flows.Tools;

/// <summary>
/// Raised inside a tool handler for a typed failure (bad argument, failed pre-check) and turned into the
/// call's <see cref="ToolError"/> by <see cref="ToolInvoker"/>; it never leaves the invoker.
/// </summary>
internal sealed class ToolInputException : Exception
{
    public ToolInputException()
        : this(FlowErrorKind.InvalidArguments, "invalid tool input")
    {
    }

    public ToolInputException(string message)
        : this(FlowErrorKind.InvalidArguments, message)
    {
    }

    public ToolInputException(string message, Exception innerException)
        : base(message, innerException) => Kind = FlowErrorKind.InvalidArguments;

    public ToolInputException(FlowErrorKind kind, string message)
        : base(message) => Kind = kind;

    public FlowErrorKind Kind { get; }
}
