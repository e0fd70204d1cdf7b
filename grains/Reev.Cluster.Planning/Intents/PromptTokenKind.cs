namespace Reev.Cluster.Planning.Intents;

internal enum PromptTokenKind
{
    Word = 0,
    Number = 1,
    Percent = 2,
    Multiplier = 3,
    Separator = 4,
}
