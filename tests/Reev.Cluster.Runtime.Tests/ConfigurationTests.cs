using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>Bad configuration gets an error that names the cause.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_connection_string_is_named(string connectionString)
    {
        var ex = Assert.Throws<ClusterConfigurationException>(() => new PostgresClusterProvider(connectionString));

        Assert.Contains("connection string is missing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Username=reev")]
    [InlineData("Host=db;Username=reev;Max Auto Prepare=20")]
    public void Automatic_statement_preparation_stays_off_even_when_the_connection_string_asks_for_it(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(new PostgresClusterProvider(connectionString).ConnectionString);

        Assert.Equal(0, builder.MaxAutoPrepare); // npgsql#6391: a failed auto-prepared statement can desynchronise its connection
        Assert.True(builder.NoResetOnClose);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5000)]
    public void A_turn_timeout_that_is_neither_positive_nor_infinite_is_named(int milliseconds)
    {
        var options = TestCluster.FastOptions();
        options.TurnTimeout = TimeSpan.FromMilliseconds(milliseconds);

        var ex = Assert.Throws<ClusterConfigurationException>(() => Silo.Create(options, new InMemory.InMemoryClusterProvider(), Clusters.Grains()));

        Assert.Contains("Reev:Silo:TurnTimeout must be from", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void An_enqueue_transaction_limit_out_of_range_is_named_for_silos_and_clients(int limit)
    {
        var options = TestCluster.FastOptions();
        options.MaxEnqueueTransactions = limit;

        var silo = Assert.Throws<ClusterConfigurationException>(() => Silo.Create(options, new InMemory.InMemoryClusterProvider(), Clusters.Grains()));
        var client = Assert.Throws<ClusterConfigurationException>(
            () => ClusterClient.Create(new ClusterClientOptions { MaxEnqueueTransactions = limit }, new InMemory.InMemoryClusterProvider()));

        Assert.Contains($"Reev:Silo:MaxEnqueueTransactions must be between 1 and 64, not {limit}", silo.Message, StringComparison.Ordinal);
        Assert.Contains($"Reev:Client:MaxEnqueueTransactions must be between 1 and 64, not {limit}", client.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_is_named()
    {
        var ex = Assert.Throws<ClusterConfigurationException>(() => new PostgresClusterProvider("Hots=127.0.0.1;Nonsense"));

        Assert.Contains("connection string is invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_named_with_host_and_port()
    {
        var port = LoopbackPorts.Free();
        var provider = new PostgresClusterProvider($"Host=127.0.0.1;Port={port};Username=reev;Database=reev;Timeout=3");
        await using var silo = Silo.Create(TestCluster.FastOptions(), provider, Clusters.Grains());

        var ex = await Assert.ThrowsAsync<ClusterUnavailableException>(() => silo.StartAsync(default));

        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_does_not_exist_is_named()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Database = "reev_no_such_database" };
        await using var silo = Silo.Create(TestCluster.FastOptions(), new PostgresClusterProvider(builder.ConnectionString), Clusters.Grains());

        var ex = await Assert.ThrowsAsync<ClusterConfigurationException>(() => silo.StartAsync(default));

        Assert.Contains("reev_no_such_database", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partition_count_that_differs_from_the_cluster_is_refused()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("partitions");
        var first = TestCluster.FastOptions();
        await using (var silo = Silo.Create(first, new PostgresClusterProvider(database.ConnectionString), Clusters.Grains()))
        {
            await silo.StartAsync(default);
            await silo.StopAsync(default);
        }

        var second = TestCluster.FastOptions();
        second.PartitionCount = first.PartitionCount * 2;
        await using var other = Silo.Create(second, new PostgresClusterProvider(database.ConnectionString), Clusters.Grains());
        var ex = await Assert.ThrowsAsync<ClusterConfigurationException>(() => other.StartAsync(default));

        Assert.Contains("PartitionCount", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_second_live_silo_under_the_same_id_is_refused_and_the_first_keeps_its_partitions(bool postgres)
    {
        await using var database = postgres ? await TestPostgres.CreateDatabaseAsync("same silo id") : null;
        var memory = new Reev.Cluster.Runtime.InMemory.InMemoryClusterProvider();
        ClusterProvider Provider() => database is null ? memory : new PostgresClusterProvider(database.ConnectionString);
        var options = TestCluster.FastOptions();
        options.SiloId = "silo-twin";
        await using var first = Silo.Create(options, Provider(), Clusters.Grains());
        await first.StartAsync(default);
        await using var twin = Silo.Create(options, Provider(), Clusters.Grains());

        var ex = await Assert.ThrowsAsync<ClusterConfigurationException>(() => twin.StartAsync(default));

        Assert.Contains("Silo id 'silo-twin' is held by another live silo", ex.Message, StringComparison.Ordinal);
        Assert.False(twin.IsRunning);
        Assert.True(first.IsRunning);
        Assert.Equal(options.PartitionCount, first.OwnedPartitions.Count);
        await first.StopAsync(default);
        await using var successor = Silo.Create(options, Provider(), Clusters.Grains());
        await successor.StartAsync(default); // the id is free again once its holder left
        Assert.True(successor.IsRunning);
    }

    [Fact]
    public void A_lease_not_longer_than_the_heartbeat_is_refused()
    {
        var options = TestCluster.FastOptions();
        options.LeaseDuration = options.HeartbeatInterval;

        var ex = Assert.Throws<ClusterConfigurationException>(() => Silo.Create(options, new Reev.Cluster.Runtime.InMemory.InMemoryClusterProvider(), Clusters.Grains()));

        Assert.Contains("LeaseDuration", ex.Message, StringComparison.Ordinal);
    }
}
