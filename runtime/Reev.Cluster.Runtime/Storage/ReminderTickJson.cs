using System.Text.Json;

namespace Reev.Cluster.Runtime.Storage;

/// <summary>How reminder ticks are written into reminder messages by every provider.</summary>
internal static class ReminderTickJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
