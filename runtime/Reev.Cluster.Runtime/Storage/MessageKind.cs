namespace Reev.Cluster.Runtime.Storage;

internal enum MessageKind : short
{
    Call = 0,
    Reminder = 1,
}
