using System.Diagnostics.CodeAnalysis;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>The outcome of loading a flow file: a document, or an error naming file, line and field.</summary>
public readonly record struct FlowFileLoadResult
{
    private FlowFileLoadResult(FlowDocument? document, FlowSourceMap? sourceMap, FlowFileError? error)
    {
        Document = document;
        SourceMap = sourceMap;
        Error = error;
    }

    public FlowDocument? Document { get; }

    /// <summary>Field path to line/column positions of the loaded text.</summary>
    public FlowSourceMap? SourceMap { get; }

    public FlowFileError? Error { get; }

    [MemberNotNullWhen(true, nameof(Document), nameof(SourceMap))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static FlowFileLoadResult Success(FlowDocument document, FlowSourceMap sourceMap) => new(document, sourceMap, null);

    public static FlowFileLoadResult Failure(FlowFileError error) => new(null, null, error);

    /// <summary>The document, or a <see cref="FlowFileException"/> carrying the error.</summary>
    public FlowDocument GetDocumentOrThrow() => IsSuccess ? Document : throw new FlowFileException(Error);
}
