namespace Reev.Cluster.Runtime.Tests.Grains;

/// <summary>A grain that misbehaves on request: poison messages, asks from inside a turn.</summary>
public interface ITroubleGrain : IGrain
{
    /// <summary>Always throws: a poison message.</summary>
    Task Fail(string reason);

    Task Touch();

    /// <summary>Tries to await another grain from inside this turn and records what happened.</summary>
    Task AskFromInside(string counterKey);

    /// <summary>Takes an argument the serializer cannot write.</summary>
    Task Take(object value);

    /// <summary>Writes a state the serializer cannot write (NaN is not JSON).</summary>
    Task WriteNotANumber();

    /// <summary>Projects an object that is not a read-model row.</summary>
    Task ProjectNonRow();

    /// <summary>Spends <paramref name="milliseconds"/> in its turn, then records a touch.</summary>
    Task Hold(int milliseconds);

    /// <summary>Projects a <see cref="TroubleRow"/> keyed by this grain's key, then records a touch.</summary>
    Task ProjectRow();

    Task<TroubleState> Read();
}

public sealed class TroubleState
{
    public int Touches { get; set; }

    public int FailuresSeen { get; set; }

    public string? AskError { get; set; }

    public string? AskErrorType { get; set; }

    public double Ratio { get; set; }
}

public sealed class TroubleGrain : Grain<TroubleState>, ITroubleGrain
{
    public Task Fail(string reason)
    {
        // Changes made before the throw must not survive: the turn leaves no trace.
        State.FailuresSeen++;
        throw new InvalidOperationException($"poison: {reason}");
    }

    public Task Touch()
    {
        State.Touches++;
        return WriteStateAsync();
    }

    public async Task AskFromInside(string counterKey)
    {
        try
        {
            await GrainFactory.GetGrain<ICounterGrain>(counterKey).Read();
        }
        catch (GrainCallException ex)
        {
            State.AskError = ex.Message;
            State.AskErrorType = nameof(GrainCallException);
            await WriteStateAsync();
        }
    }

    public Task Take(object value) => Task.CompletedTask;

    public Task WriteNotANumber()
    {
        State.Ratio = double.NaN;
        return WriteStateAsync();
    }

    public Task ProjectNonRow()
    {
        Project(new TroubleState());
        return WriteStateAsync();
    }

    public async Task Hold(int milliseconds)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), TimeProvider);
        State.Touches++;
        await WriteStateAsync();
    }

    public Task ProjectRow()
    {
        Project(new TroubleRow(GrainKey));
        State.Touches++;
        return WriteStateAsync();
    }

    public Task<TroubleState> Read() => Task.FromResult(State);
}

/// <summary>A read-model row of a trouble grain; how it is stored is up to the test that registers a writer for it.</summary>
public sealed record TroubleRow(string Key) : IReadModelRow
{
    public string Table => "trouble_rows";
}

/// <summary>A grain interface no silo implements.</summary>
public interface IUnregisteredGrain : IGrain
{
    Task Ping();

    Task<int> Echo(int value);
}
