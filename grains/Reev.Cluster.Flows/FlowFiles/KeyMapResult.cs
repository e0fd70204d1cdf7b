using System.Diagnostics.CodeAnalysis;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>A key map, or an error naming the missing placeholder and where it is used.</summary>
public readonly record struct KeyMapResult
{
    private KeyMapResult(KeyMap? keyMap, FlowFileError? error)
    {
        KeyMap = keyMap;
        Error = error;
    }

    public KeyMap? KeyMap { get; }

    public FlowFileError? Error { get; }

    [MemberNotNullWhen(true, nameof(KeyMap))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static KeyMapResult Success(KeyMap keyMap) => new(keyMap, null);

    public static KeyMapResult Failure(FlowFileError error) => new(null, error);
}
