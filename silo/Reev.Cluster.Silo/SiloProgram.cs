using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Reev.Cluster.Client;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Runtime;
using Reev.Cluster.Silo.Diagnostics;
using Reev.Cluster.Silo.Health;
using Reev.Cluster.Silo.Hosting;

namespace Reev.Cluster.Silo;

/// <summary>
/// The silo process: configuration, provider, the silo, health endpoints, the co-hosted API gateway (unless
/// <c>Reev:Silo:Gateway:Enabled</c> is false), graceful stop on SIGTERM. A start that cannot work ends with one line on
/// stderr and an exit code of <see cref="SiloExitCodes"/>.
/// </summary>
internal static class SiloProgram
{
    private const string ErrorPrefix = "reev-silo: ";
    private static readonly TimeSpan WebStopTimeout = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        try
        {
            return await RunCoreAsync(args, error).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not a configuration the checks know: one line, then the details for whoever has to fix it.
            Fail(error, $"unexpected failure: {ex.GetType().Name}: {ex.Message}", SiloExitCodes.Crashed);
            await error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            return SiloExitCodes.Crashed;
        }
    }

    private static async Task<int> RunCoreAsync(string[] args, TextWriter error)
    {
        if (args is ["--probe", var kind, .. var rest])
        {
            return await SiloProbe.RunAsync(kind, rest, error).ConfigureAwait(false);
        }

        if (SiloHostConfiguration.UnknownArgument(args) is { } unknown)
        {
            return Fail(error, unknown, SiloExitCodes.BadConfiguration);
        }

        WebApplicationBuilder builder;
        SiloHostSettings settings;
        try
        {
            // Content root = the binaries' folder, so appsettings.json is found whatever the working directory.
            builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(SiloHostConfiguration.SwitchMappings));
            settings = SiloHostConfiguration.Load(builder.Configuration);
        }
        catch (Exception ex) when (ex is ClusterConfigurationException or FormatException)
        {
            return Fail(error, ex.Message, SiloExitCodes.BadConfiguration);
        }

        ConfigureLogging(builder.Logging, settings);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Host.ShutdownGracePeriod);
        // Reev:Silo:ListenAddress/Port decide; the URLs and ports the .NET container images set (ASPNETCORE_HTTP_PORTS) do not.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, string.Empty);
        builder.WebHost.ConfigureKestrel(k => k.Listen(settings.ListenAddress, settings.Host.Port));
        // The gateway over this process's silo. The silo is created once the host is built (it logs through the host's
        // logger factory); the gateway resolves its IReevCluster at the first request, after the silo exists.
        Runtime.Silo? cohosted = null;
        ClusterProvider? cohostedProvider = null;
        if (settings.GatewayEnabled)
        {
            builder.Services.AddSingleton<IReevCluster>(_ => new CoHostedReevCluster(
                cohosted ?? throw new InvalidOperationException("The gateway was asked for the cluster before the silo was created."),
                cohostedProvider!,
                settings.ConnectionString));
            builder.Services.AddReevGateway();
        }

        await using var app = builder.Build();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("Reev.Cluster.Silo");
        Runtime.Silo silo;
        try
        {
            var provider = ReevSiloBuilder.Provider(settings.IsPostgres ? settings.ConnectionString : null);
            silo = ReevSiloBuilder.Create(provider, settings.Silo, loggerFactory, TimeProvider.System, services => services.AddSingleton<IConfiguration>(app.Configuration));
            (cohosted, cohostedProvider) = (silo, provider);
        }
        catch (ClusterConfigurationException ex)
        {
            return Fail(error, ex.Message, SiloExitCodes.BadConfiguration);
        }

        await using var siloLifetime = silo;
        await using var database = settings.IsPostgres ? ProbeDataSource(settings.ConnectionString!) : null;
        using var telemetry = SiloTelemetry.StartIfConfigured(app.Configuration[SiloTelemetry.EndpointVariable], silo.SiloId);
        if (telemetry is not null)
        {
            SiloHostLog.OtlpExport(logger, app.Configuration[SiloTelemetry.EndpointVariable]!);
        }

        // One set of probes, the silo's (its readiness also checks the database); the gateway keeps /api/v1/health.
        app.MapSiloHealth(new SiloReadiness(silo, settings.Provider, database));
        if (settings.GatewayEnabled)
        {
            app.UseExceptionHandler();
            app.UseStatusCodePages();
            app.MapReevGateway(mapHealthProbes: false);
        }

        SiloHostLog.Starting(logger, silo.SiloId, settings.Provider, settings.Silo.PartitionCount, settings.ListenAddress.ToString(), settings.Host.Port);

        // The port first: a taken port fails in milliseconds, before any database work.
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (HostStartErrors.IsAddressInUse(ex))
        {
            return Fail(error, $"port {settings.Host.Port} on {settings.ListenAddress} is already in use ({SiloHostOptions.SectionName}:Port or --port).", SiloExitCodes.PortInUse);
        }

        var stopping = app.Lifetime.ApplicationStopping;
        try
        {
            if (database is not null && !string.IsNullOrEmpty(settings.Silo.SiloId))
            {
                await SiloIdentityGuard.EnsureFreeAsync(database, silo.SiloId, settings.Silo, TimeProvider.System, stopping).ConfigureAwait(false);
            }

            await silo.StartAsync(stopping).ConfigureAwait(false);
        }
        catch (ClusterUnavailableException ex)
        {
            await StopWebAsync(app).ConfigureAwait(false);
            return Fail(error, ex.Message, SiloExitCodes.DatabaseUnavailable);
        }
        catch (ClusterConfigurationException ex)
        {
            await StopWebAsync(app).ConfigureAwait(false);
            return Fail(error, ex.Message, SiloExitCodes.BadConfiguration);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await StopWebAsync(app).ConfigureAwait(false);
            return SiloExitCodes.Stopped;
        }

        SiloHostLog.Started(logger, silo.SiloId, silo.OwnedPartitions.Count, settings.Silo.PartitionCount);

        // SIGTERM, SIGINT and SIGQUIT reach the host's console lifetime, which cancels this token (and keeps the process alive).
        if (await Task.WhenAny(WaitAsync(stopping), silo.Superseded).ConfigureAwait(false) == silo.Superseded)
        {
            await StopWebAsync(app).ConfigureAwait(false);
            return Fail(error, $"silo {silo.SiloId} stopped: {await silo.Superseded.ConfigureAwait(false)}", SiloExitCodes.Superseded);
        }

        var code = await StopSiloAsync(silo, settings.Host.ShutdownGracePeriod, logger).ConfigureAwait(false);
        await StopWebAsync(app).ConfigureAwait(false);
        return code;
    }

    private static async Task<int> StopSiloAsync(Runtime.Silo silo, TimeSpan gracePeriod, ILogger logger)
    {
        SiloHostLog.Stopping(logger, silo.SiloId, silo.OwnedPartitions.Count, gracePeriod);
        var started = Stopwatch.GetTimestamp();
        // The web server's stop and the process exit come after the hand-over: keep a little of the grace period for them.
        using var grace = new CancellationTokenSource(gracePeriod - WebStopTimeout > TimeSpan.Zero ? gracePeriod - WebStopTimeout : gracePeriod);
        try
        {
            await silo.StopAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (grace.IsCancellationRequested)
        {
            SiloHostLog.GracePeriodExceeded(logger, silo.SiloId, gracePeriod);
            await silo.KillAsync().ConfigureAwait(false);
            return SiloExitCodes.GracePeriodExceeded;
        }

        SiloHostLog.Stopped(logger, silo.SiloId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return SiloExitCodes.Stopped;
    }

    private static async Task StopWebAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(WebStopTimeout);
        try
        {
            await app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Connections still open after the timeout are aborted; the silo has already handed over.
        }
    }

    private static Task WaitAsync(CancellationToken token)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), stopped);
        return stopped.Task;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, SiloHostSettings settings)
    {
        logging.ClearProviders();
        // A failed start is reported as one line on stderr by this program; the host's own report is a stack trace.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (settings.JsonLogs)
        {
            logging.AddJsonConsole(static o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(static o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
    }

    private static NpgsqlDataSource ProbeDataSource(string connectionString) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 2, Timeout = 2 }.ConnectionString);

    private static int Fail(TextWriter error, string message, int exitCode)
    {
        // One line, whatever the exception text holds.
        error.WriteLine(ErrorPrefix + message.ReplaceLineEndings(" ").Trim());
        error.Flush();
        return exitCode;
    }
}
