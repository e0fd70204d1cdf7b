namespace Reev.Cluster.Planning.Plans;

/// <summary>Where a planned step's amount comes from.</summary>
public enum AmountSource
{
    /// <summary>Known when the plan is made (a number, a percentage or "all" of a balance no earlier step changes).</summary>
    Fixed = 0,

    /// <summary>What an earlier step received ("then lend it"); known only when that step has run.</summary>
    PreviousOutput = 1,

    /// <summary>The whole balance when the step runs ("all", after earlier steps changed that balance).</summary>
    FullBalance = 2,
}
