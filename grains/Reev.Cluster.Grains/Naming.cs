using System.Text;

namespace Reev.Cluster.Grains;

internal static class Naming
{
    /// <summary>PascalCase to snake_case ("AwaitingUser" → "awaiting_user").</summary>
    public static string Snake(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
