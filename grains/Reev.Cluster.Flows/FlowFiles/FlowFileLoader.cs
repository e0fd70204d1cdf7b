namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>Loads flow files in the reference format. Never throws for bad input: errors are results.</summary>
public static class FlowFileLoader
{
    /// <summary>Parses YAML text; <paramref name="fileName"/> is used in error messages.</summary>
    public static FlowFileLoadResult Parse(string yaml, string fileName = "<inline>")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var parser = new FlowFileParser(fileName ?? "<inline>");
        try
        {
            var document = parser.Parse(yaml);
            return FlowFileLoadResult.Success(document, parser.SourceMap);
        }
        catch (FlowFileException ex)
        {
            return FlowFileLoadResult.Failure(ex.Error);
        }
    }

    /// <summary>Reads and parses a file; a missing or unreadable file is an error result.</summary>
    public static async Task<FlowFileLoadResult> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return Unreadable(path, ex);
        }

        return Parse(text, Path.GetFileName(path));
    }

    /// <summary>Synchronous variant of <see cref="LoadAsync"/>.</summary>
    public static FlowFileLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return Unreadable(path, ex);
        }

        return Parse(text, Path.GetFileName(path));
    }

    // ArgumentException: an empty path or one with characters no file name may hold; the path is input like the file.
    private static bool IsUnreadable(Exception ex) => ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException;

    private static FlowFileLoadResult Unreadable(string path, Exception ex) =>
        FlowFileLoadResult.Failure(new FlowFileError(path, 0, 0, "(file)", path.Length == 0 ? "no file named (the path is empty)" : $"cannot read the file: {ex.Message}"));

    /// <summary>Parses or throws <see cref="FlowFileException"/> carrying file, line, column and field.</summary>
    public static FlowDocument ParseOrThrow(string yaml, string fileName = "<inline>") => Parse(yaml, fileName).GetDocumentOrThrow();
}
