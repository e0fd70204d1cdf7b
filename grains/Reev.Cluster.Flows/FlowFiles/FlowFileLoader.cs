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

    /// <summary>
    /// Reads and parses a file; a missing or unreadable file is an error result. Errors name the file by
    /// <paramref name="path"/> as given (relative stays relative), so that whoever gave it can find it.
    /// </summary>
    public static Task<FlowFileLoadResult> LoadAsync(string path, CancellationToken cancellationToken) =>
        LoadAsync(path, path, cancellationToken);

    /// <summary>
    /// Reads and parses a file, naming it <paramref name="fileName"/> in errors (a listing of one folder names its
    /// files by name, not by the folder's path on this machine).
    /// </summary>
    public static async Task<FlowFileLoadResult> LoadAsync(string path, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fileName);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return Unreadable(path, fileName, ex);
        }

        return Parse(text, fileName);
    }

    /// <summary>Synchronous variant of <see cref="LoadAsync(string, CancellationToken)"/>.</summary>
    public static FlowFileLoadResult Load(string path) => Load(path, path);

    /// <summary>Synchronous variant of <see cref="LoadAsync(string, string, CancellationToken)"/>.</summary>
    public static FlowFileLoadResult Load(string path, string fileName)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fileName);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return Unreadable(path, fileName, ex);
        }

        return Parse(text, fileName);
    }

    // ArgumentException: an empty path or one with characters no file name may hold; the path is input like the file.
    private static bool IsUnreadable(Exception ex) => ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException;

    private static FlowFileLoadResult Unreadable(string path, string fileName, Exception ex) =>
        FlowFileLoadResult.Failure(new FlowFileError(fileName, 0, 0, "(file)",
            path.Length == 0 ? "no file named (the path is empty)" :
            Directory.Exists(path) ? "a directory, not a flow file" :
            $"cannot read the file: {ex.Message}"));

    /// <summary>Parses or throws <see cref="FlowFileException"/> carrying file, line, column and field.</summary>
    public static FlowDocument ParseOrThrow(string yaml, string fileName = "<inline>") => Parse(yaml, fileName).GetDocumentOrThrow();
}
