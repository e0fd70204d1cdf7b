using System.Diagnostics;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Cli.Tests;

/// <summary><c>reev load</c>: many flows at once, verified complete and exactly-once, with a silo killed mid-run.</summary>
public sealed class LoadCommandTests
{
    [Fact]
    public async Task Load_InMemory_PrintsTheDocumentedJsonWithNothingLostAndAnHtmlReport()
    {
        var report = Path.Combine(Path.GetTempPath(), $"reev-load-{Guid.NewGuid():N}.html");
        try
        {
            var run = await CliRun.InvokeAsync(["load", "--flows", "120", "--concurrency", "60", "--steps", "3", "--agent", "noop", "--json", "--report", report], TimeSpan.FromSeconds(120));

            Assert.True(run.ExitCode == 0, run.ToString());
            var json = run.Json();
            Assert.Equal(120, json.GetProperty("flows").GetInt32());
            Assert.Equal(3, json.GetProperty("steps_per_flow").GetInt32());
            Assert.Equal(0, json.GetProperty("lost").GetInt32());
            Assert.Equal(0, json.GetProperty("failed").GetInt32());
            Assert.Equal(0, json.GetProperty("duplicate_steps").GetInt32());
            Assert.Equal(1, json.GetProperty("silos").GetInt32());
            Assert.True(json.GetProperty("steps_per_s").GetDouble() > 0);
            Assert.True(json.GetProperty("completion_latency_ms").GetProperty("p99").GetDouble() >= json.GetProperty("completion_latency_ms").GetProperty("p50").GetDouble());
            var html = await File.ReadAllTextAsync(report);
            Assert.Contains("<svg", html, StringComparison.Ordinal);
            Assert.Contains("<polyline", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(report);
        }
    }

    /// <summary>The chaos shape: silo processes, one killed with SIGKILL while flows run.</summary>
    [Fact]
    public async Task Load_OnPostgres_WithASiloProcessKilledMidRun_LosesNothingAndRunsNoStepTwice()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("cli load kill");

        var run = await CliRun.InvokeAsync(
            ["load", "--flows", "200", "--concurrency", "100", "--steps", "3", "--postgres", database.ConnectionString, "--silos", "3", "--kill-silo-after", "25%", "--json"],
            TimeSpan.FromSeconds(180));

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(0, json.GetProperty("lost").GetInt32());
        Assert.Equal(0, json.GetProperty("duplicate_steps").GetInt32());
        Assert.Equal(1, json.GetProperty("silos_killed").GetInt32());
        Assert.Equal(200, await database.ScalarAsync<long>("SELECT count(*) FROM reev_executions WHERE status = 'completed'"));
        Assert.Equal(600, await database.ScalarAsync<long>("SELECT count(*) FROM reev_step_sessions WHERE status = 'Succeeded' AND attempt = 1"));
        Assert.Equal(600, await database.ScalarAsync<long>("SELECT count(*) FROM reev_step_sessions WHERE revision > 0 AND commits = revision"));
    }

    /// <summary>
    /// A silo process frozen (SIGSTOP) past its lease while it holds turns, woken (SIGCONT) while flows still run: the
    /// others took its partitions at new epochs, so whatever it commits on waking is fenced. Nothing is lost, no step
    /// runs twice, and the woken silo stays up (it does not exit on its own).
    /// </summary>
    [Fact]
    public async Task Load_OnPostgres_WithASiloProcessPausedPastItsLease_LosesNothingAndRunsNoStepTwice()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("cli load pause");

        var run = await CliRun.InvokeAsync(
            ["load", "--flows", "400", "--concurrency", "40", "--steps", "3", "--agent", "deterministic", "--postgres", database.ConnectionString,
             "--silos", "3", "--pause-silo-after", "20%", "--pause-for", "7", "--json"],
            TimeSpan.FromSeconds(240));

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(0, json.GetProperty("lost").GetInt32());
        Assert.Equal(0, json.GetProperty("duplicate_steps").GetInt32());
        Assert.Equal(1, json.GetProperty("silos_paused").GetInt32());
        Assert.Equal(400, await database.ScalarAsync<long>("SELECT count(*) FROM reev_executions WHERE status = 'completed'"));
        Assert.Equal(1200, await database.ScalarAsync<long>("SELECT count(*) FROM reev_step_sessions WHERE status = 'Succeeded' AND attempt = 1"));
        Assert.Equal(1200, await database.ScalarAsync<long>("SELECT count(*) FROM reev_step_sessions WHERE revision > 0 AND commits = revision"));
        Assert.DoesNotContain("exited on its own", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--pause-silo-after", "1", "--silos", "1", "--pause-silo-after freezes a silo process")]
    [InlineData("--pause-silo-after", "-1", "--silos", "2", "--pause-silo-after takes seconds into the run (e.g. 3) or a share of the flows (e.g. 30%), not '-1'")]
    [InlineData("--pause-silo-after", "100%", "--silos", "2", "--pause-silo-after 100%: a share of the flows must be under 100%")]
    [InlineData("--kill-silo-after", "soon", "--silos", "2", "--kill-silo-after takes seconds into the run (e.g. 3) or a share of the flows (e.g. 30%), not 'soon'")]
    [InlineData("--kill-silo-after", "30%", "--silos", "1", "--kill-silo-after needs --silos 2 or more")]
    [InlineData("--pause-for", "0", "--pause-silo-after", "1", "--pause-for must be more than 0")]
    public async Task Load_WithABadPause_ExitsTwoNamingTheOption(string option, string value, string other, string otherValue, string expected)
    {
        var args = new List<string> { "load", "--flows", "5", option, value, other, otherValue, "--postgres", "Host=127.0.0.1;Port=1;Username=x;Database=x" };
        if (!args.Contains("--silos"))
        {
            args.AddRange(["--silos", "2"]);
        }

        var run = await CliRun.InvokeAsync([.. args], TimeSpan.FromSeconds(60));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A kill asked for at a time the run never reaches tested nothing: the run says so and does not pass.</summary>
    [Fact]
    public async Task Load_EndingBeforeItsKillTime_ExitsOneSayingNoSiloWasKilled()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("cli load kill missed");

        var run = await CliRun.InvokeAsync(
            ["load", "--flows", "3", "--concurrency", "3", "--steps", "1", "--postgres", database.ConnectionString, "--silos", "2", "--in-process", "--kill-silo-after", "600", "--json"],
            TimeSpan.FromSeconds(180));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("before --kill-silo-after 600: no silo was killed", run.Stderr, StringComparison.Ordinal);
        var json = run.Json();
        Assert.Equal(0, json.GetProperty("silos_killed").GetInt32());
        Assert.Equal(0, json.GetProperty("lost").GetInt32());
        Assert.Equal(3, await database.ScalarAsync<long>("SELECT count(*) FROM reev_executions WHERE status = 'completed'"));
    }

    [Fact]
    public async Task Load_WhenASiloProcessCannotStart_EndsWithTheSilosOwnLastLines()
    {
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Database = $"reev_missing_{Guid.NewGuid():N}"[..28] }.ConnectionString;

        var run = await CliRun.InvokeAsync(["load", "--flows", "5", "--postgres", missing, "--silos", "1"], TimeSpan.FromSeconds(120));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("before it was ready; its last lines", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", run.Stderr, StringComparison.Ordinal); // the silo's own words, not only its exit code
    }

    [Fact]
    public async Task Load_OnPostgres_InProcess_WithASiloKilledMidRun_LosesNothing()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("cli load in process");

        var run = await CliRun.InvokeAsync(
            ["load", "--flows", "150", "--concurrency", "75", "--steps", "2", "--postgres", database.ConnectionString, "--silos", "2", "--in-process", "--kill-silo-after", "30%", "--json"],
            TimeSpan.FromSeconds(180));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(1, run.Json().GetProperty("silos_killed").GetInt32());
        Assert.Equal(0, run.Json().GetProperty("lost").GetInt32());
        Assert.Equal(0, run.Json().GetProperty("duplicate_steps").GetInt32());
        Assert.Equal(150, await database.ScalarAsync<long>("SELECT count(*) FROM reev_executions WHERE status = 'completed'"));
    }

    /// <summary>
    /// SIGTERM to the CLI (a CI job cancelled, <c>kill</c>) must stop the silo processes it started: the process runs
    /// as a user would run it, and the silos are found by their command line (they carry the test database's name).
    /// </summary>
    [Fact]
    public async Task Load_Sigterm_StopsTheSiloProcessesItStarted()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("cli load sigterm");
        var name = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "reev.dll"), "load", "--flows", "100000", "--concurrency", "20", "--steps", "1", "--postgres", database.ConnectionString, "--silos", "2", "--json" })
        {
            info.ArgumentList.Add(arg);
        }

        using var cli = Process.Start(info)!;
        cli.OutputDataReceived += static (_, _) => { };
        cli.ErrorDataReceived += static (_, _) => { };
        cli.BeginOutputReadLine();
        cli.BeginErrorReadLine();
        try
        {
            await Eventually.HoldsAsync(() => SilosOf(name).Count >= 2, TimeSpan.FromSeconds(90), "the load started its two silo processes");
            await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System); // flows are running

            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", cli.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                await term!.WaitForExitAsync();
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await cli.WaitForExitAsync(exit.Token);
            await Eventually.HoldsAsync(() => SilosOf(name).Count == 0, TimeSpan.FromSeconds(10), "no silo process of the run is left");
            Assert.NotEqual(0, cli.ExitCode);
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }

            foreach (var pid in SilosOf(name))
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                    // gone meanwhile
                }
            }
        }
    }

    /// <summary>Silo host processes whose command line names the database.</summary>
    private static List<int> SilosOf(string database)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains("Reev.Cluster.Silo.dll", StringComparison.Ordinal) && commandLine.Contains(database, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // exited meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                // not ours
            }
        }

        return found;
    }

    [Theory]
    [InlineData("--flows", "0", "--flows")]
    [InlineData("--silos", "3", "--silos above 1 needs --postgres")]
    [InlineData("--gateway", "not a url", "--gateway")]
    [InlineData("--report", "/nonexistent-reev-folder/load.html", "--report: the folder '/nonexistent-reev-folder' does not exist")]
    [InlineData("--report", "/tmp", "--report: '/tmp' is a folder")]
    [InlineData("--timeout", "5000000", "--timeout must be from 1 to 86400 seconds")]
    [InlineData("--postgres", "Hots=127.0.0.1", "connection string")]
    public async Task Load_BadOptions_ExitTwoNamingTheOption(string option, string value, string expected)
    {
        var run = await CliRun.InvokeAsync(["load", option, value, "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(expected, run.Json().GetProperty("error").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt9")]
    [InlineData("openai")]
    public async Task Load_AgentItDoesNotRun_ExitsTwoAsUnknownAgentLikeRun(string agent)
    {
        var json = await CliRun.InvokeAsync(["load", "--agent", agent, "--json"]);
        var text = await CliRun.InvokeAsync(["load", "--agent", agent]);

        Assert.True(json.ExitCode == 2, json.ToString());
        var error = json.Json().GetProperty("error");
        Assert.Equal("unknown_agent", error.GetProperty("code").GetString());
        Assert.Equal($"unknown agent '{agent}' (known to load: noop, deterministic)", error.GetProperty("reason").GetString());
        Assert.True(text.ExitCode == 2, text.ToString());
        Assert.Equal($"reev: unknown agent '{agent}' (known to load: noop, deterministic) [unknown_agent]", text.Stderr.TrimEnd('\r', '\n'));
    }
}
