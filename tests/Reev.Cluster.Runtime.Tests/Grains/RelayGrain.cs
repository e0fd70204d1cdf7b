using System.Collections.Concurrent;

namespace Reev.Cluster.Runtime.Tests.Grains;

/// <summary>An immutable message type: a turn in the sender's process may receive the sender's instance.</summary>
[Immutable]
public sealed record Note(string Text, Guid Tag);

/// <summary>A mutable message type: every turn receives its own copy, read from the message's JSON.</summary>
public sealed class Draft
{
    public string Text { get; set; } = string.Empty;

    public Guid Tag { get; set; }
}

/// <summary>Sends notes and drafts from inside a turn to another relay grain, which records what it received.</summary>
public interface IRelayGrain : IGrain
{
    Task SendNote(string recipient, string text, Guid tag);

    Task SendDraft(string recipient, string text, Guid tag);

    Task TakeNote(Note note);

    Task TakeDraft(Draft draft);

    /// <summary>Throws on its first attempt (a failed turn), then records the note.</summary>
    Task TakeNoteAfterAFailure(Note note);

    Task<int> Received();
}

public sealed class RelayState
{
    public List<string> Texts { get; set; } = [];
}

public sealed class RelayGrain(SiloName? silo = null) : Grain<RelayState>, IRelayGrain
{
    /// <summary>The instances sent and received, by tag (process-wide: the test compares identities).</summary>
    public static readonly ConcurrentDictionary<Guid, object> Sent = new();

    public static readonly ConcurrentDictionary<Guid, object> Taken = new();

    /// <summary>Which silo took each tag.</summary>
    public static readonly ConcurrentDictionary<Guid, string> TakenOn = new();

    private static readonly ConcurrentDictionary<Guid, int> Attempts = new();

    public Task SendNote(string recipient, string text, Guid tag)
    {
        var note = new Note(text, tag);
        Sent[tag] = note;
        return GrainFactory.GetGrain<IRelayGrain>(recipient).TakeNote(note);
    }

    public Task SendDraft(string recipient, string text, Guid tag)
    {
        var draft = new Draft { Text = text, Tag = tag };
        Sent[tag] = draft;
        return GrainFactory.GetGrain<IRelayGrain>(recipient).TakeDraft(draft);
    }

    public Task TakeNote(Note note) => Take(note.Tag, note, note.Text);

    public Task TakeDraft(Draft draft) => Take(draft.Tag, draft, draft.Text);

    public Task TakeNoteAfterAFailure(Note note)
    {
        if (Attempts.AddOrUpdate(note.Tag, 1, (_, n) => n + 1) == 1)
        {
            throw new InvalidOperationException("the first attempt fails");
        }

        return Take(note.Tag, note, note.Text);
    }

    public Task<int> Received() => Task.FromResult(State.Texts.Count);

    private Task Take(Guid tag, object instance, string text)
    {
        Taken[tag] = instance;
        TakenOn[tag] = silo?.Value ?? string.Empty;
        State.Texts.Add(text);
        return WriteStateAsync();
    }
}
