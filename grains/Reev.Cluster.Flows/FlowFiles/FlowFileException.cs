namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>Thrown by the <c>OrThrow</c> entry points; carries the file, line, column and field.</summary>
public sealed class FlowFileException : Exception
{
    public FlowFileException()
        : this(new FlowFileError("<unknown>", 0, 0, "", "invalid flow file"))
    {
    }

    public FlowFileException(string message)
        : this(new FlowFileError("<unknown>", 0, 0, "", message))
    {
    }

    public FlowFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new FlowFileError("<unknown>", 0, 0, "", message);
    }

    public FlowFileException(FlowFileError error)
        : base(error?.ToString())
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public FlowFileError Error { get; }

    public string File => Error.File;

    public int Line => Error.Line;

    public int Column => Error.Column;

    public string Field => Error.Field;
}
