using System.Text;

namespace Reev.Cluster.Cli.Tests;

/// <summary>A captured stdout that cancels <paramref name="signal"/> once <paramref name="trigger"/> has been written (a test's Ctrl+C).</summary>
public sealed class SignalingWriter(string trigger, CancellationTokenSource signal) : StringWriter
{
    private readonly Lock _gate = new();

    public bool Signalled { get; private set; }

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
            Check();
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
            Check();
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            base.Write(buffer, index, count);
            Check();
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return base.ToString();
        }
    }

    private void Check()
    {
        if (!Signalled && GetStringBuilder().ToString().Contains(trigger, StringComparison.Ordinal))
        {
            Signalled = true;
            signal.Cancel();
        }
    }

    public override Encoding Encoding => Encoding.UTF8;
}
