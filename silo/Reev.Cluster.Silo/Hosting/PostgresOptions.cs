namespace Reev.Cluster.Silo.Hosting;

/// <summary>The cluster's database (section <c>Reev:Postgres</c>).</summary>
internal sealed class PostgresOptions
{
    public const string SectionName = "Reev:Postgres";

    /// <summary>An Npgsql connection string; its presence selects the PostgreSQL provider unless Reev:Silo:Provider says otherwise.</summary>
    public string ConnectionString { get; set; } = string.Empty;
}
