using System.Diagnostics;
using System.Reflection;

namespace Reev.Cluster.Benchmarks;

/// <summary>A PostgreSQL server started with deploy/postgres/pg-start.sh for one benchmark run, stopped on dispose.</summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _repository;

    private PrivatePostgres(string repository, string directory, string connectionString)
    {
        _repository = repository;
        Directory = directory;
        ConnectionString = connectionString;
    }

    public string Directory { get; }

    public string ConnectionString { get; }

    public static async Task<PrivatePostgres> StartAsync(bool durable, CancellationToken cancellationToken)
    {
        var repository = RepositoryRoot();
        var directory = $"/tmp/reev-bench-pg-{Environment.ProcessId}";
        var args = durable ? $"--dir {directory} --durable" : $"--dir {directory}";
        var (code, stdout, stderr) = await RunAsync(Path.Combine(repository, "deploy/postgres/pg-start.sh"), args, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"pg-start.sh failed with exit code {code}: {stderr.Trim()}");
        }

        var vars = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1].Trim('\''), StringComparer.Ordinal);
        if (!vars.TryGetValue("REEV_PG_CONNECTION", out var connection))
        {
            throw new InvalidOperationException($"pg-start.sh printed no REEV_PG_CONNECTION: {stdout}");
        }

        return new PrivatePostgres(repository, vars.GetValueOrDefault("REEV_PG_DIR", directory), connection);
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(Path.Combine(_repository, "deploy/postgres/pg-stop.sh"), Directory, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The repository holding this project (from the build's project directory, else the working directory).</summary>
    public static string RepositoryRoot()
    {
        var projectDirectory = typeof(PrivatePostgres).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
        foreach (var start in new[] { projectDirectory, Environment.CurrentDirectory })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "deploy/postgres/pg-start.sh")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find deploy/postgres/pg-start.sh; run from the repository or pass --postgres.");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, string args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
