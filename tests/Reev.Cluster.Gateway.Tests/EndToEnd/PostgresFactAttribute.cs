using Reev.Cluster.TestKit;

namespace Reev.Cluster.Gateway.Tests.EndToEnd;

/// <summary>
/// A fact that needs the PostgreSQL server of <see cref="TestPostgres.EnvironmentVariable"/>: skipped, with the reason
/// printed by the runner, only when the variable is unset (a set but unreachable server still fails the test).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(TestPostgres.EnvironmentVariable) is not { Length: > 0 })
        {
            Skip = $"{TestPostgres.EnvironmentVariable} is not set: the end-to-end gateway tests need PostgreSQL (run ./test.sh, or set it to a server where the user may create databases).";
        }
    }
}
