namespace Reev.Cluster.Runtime.Tests.Grains;

/// <summary>An immutable argument that JSON cannot always hold (NaN is not JSON).</summary>
[Immutable]
public sealed record Reading(double Value);

/// <summary>A grain whose state copies itself (ICopyableState): the in-memory provider keeps copies of it, not JSON.</summary>
public interface INotebookGrain : IGrain
{
    Task Add(string entry);

    /// <summary>Adds the entry and from now on copies the state shallowly, as a DeepCopy that forgot the list would.</summary>
    Task AddWithShallowCopies(string entry);

    /// <summary>Adds the entry to the state, then throws: the turn must leave no trace.</summary>
    Task AddThenFail(string entry);

    /// <summary>Writes a state that cannot be serialized (NaN is not JSON).</summary>
    Task WriteNotANumber();

    /// <summary>Ends the activation without writing: the next call activates it again from the stored state.</summary>
    Task Rest();

    /// <summary>Adds the entry and ends the activation with that write.</summary>
    Task AddAndRest(string entry);

    /// <summary>Records the reading's value as an entry.</summary>
    Task TakeReading(Reading reading);

    Task<IReadOnlyList<string>> Read();
}

public sealed class NotebookState : ICopyableState<NotebookState>
{
    public List<string> Entries { get; set; } = [];

    public double Ratio { get; set; }

    /// <summary>Copies share the entries' list (a broken DeepCopy); not part of the JSON, so only a copy carries it on.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ShallowCopies { get; set; }

    public NotebookState DeepCopy()
    {
        var copy = (NotebookState)MemberwiseClone();
        if (!ShallowCopies)
        {
            copy.Entries = [.. Entries];
        }

        return copy;
    }
}

public sealed class NotebookGrain : Grain<NotebookState>, INotebookGrain
{
    public Task Add(string entry)
    {
        State.Entries.Add(entry);
        return WriteStateAsync();
    }

    public Task AddWithShallowCopies(string entry)
    {
        State.ShallowCopies = true;
        State.Entries.Add(entry);
        return WriteStateAsync();
    }

    public Task AddThenFail(string entry)
    {
        State.Entries.Add(entry);
        throw new InvalidOperationException($"failed after adding {entry}");
    }

    public Task WriteNotANumber()
    {
        State.Ratio = double.NaN;
        return WriteStateAsync();
    }

    public Task Rest()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task AddAndRest(string entry)
    {
        State.Entries.Add(entry);
        DeactivateOnIdle();
        return WriteStateAsync();
    }

    public Task TakeReading(Reading reading)
    {
        State.Entries.Add(reading.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> Read() => Task.FromResult<IReadOnlyList<string>>([.. State.Entries]);
}
