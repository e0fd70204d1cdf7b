using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Grains.Tests;

/// <summary>The enum texts that rows and events carry are made once per value and read as the enum's own names.</summary>
public sealed class NamingTests
{
    [Theory]
    [InlineData(ExecutionStatus.AwaitingUser, "AwaitingUser", "awaitinguser", "awaiting_user")]
    [InlineData(ExecutionStatus.Completed, "Completed", "completed", "completed")]
    public void Texts_match_the_names(ExecutionStatus status, string name, string lower, string snake)
    {
        Assert.Equal(name, Naming.Name(status));
        Assert.Equal(lower, Naming.Lower(status));
        Assert.Equal(snake, Naming.Snake(status));
        Assert.Equal(Naming.Snake(status.ToString()), Naming.Snake(status));
    }

    [Fact]
    public void A_value_is_made_once_and_a_value_outside_the_enum_still_reads_as_its_number()
    {
        Assert.Same(Naming.Snake(ExecutionStatus.Running), Naming.Snake(ExecutionStatus.Running));
        Assert.Equal("4242", Naming.Lower((ExecutionStatus)4242));
    }
}
