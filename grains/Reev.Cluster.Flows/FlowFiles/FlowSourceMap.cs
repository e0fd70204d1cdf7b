namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>Positions of fields in the loaded text, so later errors (placeholder resolution) can name a line.</summary>
public sealed class FlowSourceMap
{
    private readonly Dictionary<string, (int Line, int Column)> _positions = new(StringComparer.Ordinal);

    public FlowSourceMap(string file) => File = file;

    public string File { get; }

    internal void Add(string field, int line, int column) => _positions.TryAdd(field, (line, column));

    /// <summary>An error at <paramref name="field"/> (or its nearest known parent).</summary>
    public FlowFileError ErrorAt(string field, string message)
    {
        var probe = field;
        while (probe.Length > 0)
        {
            if (_positions.TryGetValue(probe, out var position))
            {
                return new FlowFileError(File, position.Line, position.Column, field, message);
            }

            var cut = Math.Max(probe.LastIndexOf('.'), probe.LastIndexOf('['));
            probe = cut <= 0 ? "" : probe[..cut];
        }

        return new FlowFileError(File, 0, 0, field, message);
    }
}
