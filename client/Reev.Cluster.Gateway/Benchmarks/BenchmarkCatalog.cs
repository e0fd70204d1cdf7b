using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Gateway.Diagnostics;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Gateway.Http;

namespace Reev.Cluster.Gateway.Benchmarks;

/// <summary>
/// The flow files behind <c>/api/v1/benchmarks</c>: <c>Reev:Gateway:BenchmarksDirectory</c>, else
/// <c>../shared/benchmarks</c> beside the checkout found upwards from the content root, the working directory, the
/// binaries, or the checkout the gateway was built from. Parsed files are cached until they change on disk.
/// </summary>
internal sealed class BenchmarkCatalog
{
    private const string SolutionFile = "Reev.Cluster.sln";
    private readonly ConcurrentDictionary<string, (DateTime Written, FlowFileLoadResult Result)> _cache = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public BenchmarkCatalog(IOptions<GatewayOptions> options, IHostEnvironment environment, ILogger<BenchmarkCatalog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        _logger = logger;
        Directory = Locate(options.Value.BenchmarksDirectory, environment.ContentRootPath);
    }

    /// <summary>The folder, or null when none was configured and none was found.</summary>
    public string? Directory { get; }

    public async Task<IReadOnlyList<(string Id, FlowFileLoadResult Result)>> ListAsync(CancellationToken cancellationToken)
    {
        if (Directory is null || !System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var files = System.IO.Directory.EnumerateFiles(Directory, "*.yml").Concat(System.IO.Directory.EnumerateFiles(Directory, "*.yaml"))
            .Order(StringComparer.Ordinal).ToList();
        var list = new List<(string, FlowFileLoadResult)>(files.Count);
        foreach (var file in files)
        {
            list.Add((Path.GetFileNameWithoutExtension(file), await LoadAsync(file, cancellationToken).ConfigureAwait(false)));
        }

        return list;
    }

    /// <summary>The flow file with this id (file stem), or null when there is none.</summary>
    public async Task<FlowFileLoadResult?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (Directory is null || !Ids.IsBenchmarkId(id))
        {
            return null;
        }

        foreach (var extension in new[] { ".yml", ".yaml" })
        {
            var path = Path.Combine(Directory, id + extension);
            if (File.Exists(path))
            {
                return await LoadAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    private async Task<FlowFileLoadResult> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var written = File.GetLastWriteTimeUtc(path);
        if (_cache.TryGetValue(path, out var cached) && cached.Written == written)
        {
            return cached.Result;
        }

        // Listed by file name: the folder's path on the gateway's machine is not the caller's business.
        var result = await FlowFileLoader.LoadAsync(path, Path.GetFileName(path), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess && _logger.IsEnabled(LogLevel.Debug))
        {
            var error = result.Error!.ToString();
            GatewayLog.BenchmarkInvalid(_logger, path, error);
        }

        _cache[path] = (written, result);
        return result;
    }

    private static string? Locate(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured, contentRoot);
        }

        var builtFrom = typeof(BenchmarkCatalog).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(static a => a.Key == "ReevRepositoryRoot")?.Value;
        foreach (var start in new[] { contentRoot, System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory, builtFrom })
        {
            if (start is null || !System.IO.Directory.Exists(start))
            {
                continue;
            }

            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "benchmarks"));
                    if (System.IO.Directory.Exists(candidate))
                    {
                        return candidate;
                    }

                    break;
                }
            }
        }

        return null;
    }
}
