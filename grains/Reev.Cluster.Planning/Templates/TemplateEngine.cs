using System.Collections.Concurrent;
using System.Reflection;
using HandlebarsDotNet;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Diagnostics;

namespace Reev.Cluster.Planning.Templates;

/// <summary>
/// Handlebars templates in three layers: <c>base/*</c> (what to do), <c>protocols/jupiter/*</c> (how, on Jupiter;
/// they include the base layer as partials) and <c>scenarios/*</c> (multi-step flows; they include base and
/// protocol templates as partials), plus <c>flow/flow.yml</c> for bridge files. Strict: an unknown variable is an
/// error, never an empty string. Each template is compiled once and cached; hits, misses and compilations are counted.
/// Thread-safe.
/// </summary>
public sealed partial class TemplateEngine
{
    private const string ResourcePrefix = "Reev.Cluster.Planning.Templates/";

    private readonly IHandlebars _handlebars;
    private readonly ConcurrentDictionary<string, Lazy<HandlebarsTemplate<object, object>>> _compiled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sources;
    private readonly PlanningMetrics _metrics;
    private long _hits;
    private long _misses;
    private long _compilations;

    public TemplateEngine(ContextResolver prices, PlanningMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
        _sources = LoadSources();
        _handlebars = Handlebars.Create(new HandlebarsConfiguration
        {
            ThrowOnUnresolvedBindingExpression = true,
            NoEscape = true,
        });
        RegisterHelpers(_handlebars, prices);
        foreach (var (name, source) in _sources)
        {
            // Partials are registered from source under their path names; Handlebars compiles a partial the
            // first time a template that uses it is compiled.
            _handlebars.RegisterTemplate(name, source);
        }
    }

    /// <summary>Every registered template name.</summary>
    public IReadOnlyCollection<string> Names => _sources.Keys;

    /// <summary>Lookups of compiled templates.</summary>
    public CacheStatistics CacheStatistics => new(Interlocked.Read(ref _hits), Interlocked.Read(ref _misses));

    /// <summary>Templates compiled since this engine was created.</summary>
    public long Compilations => Interlocked.Read(ref _compilations);

    /// <summary>Renders a registered template with <paramref name="data"/> (dictionaries, records or anonymous objects).</summary>
    /// <exception cref="KeyNotFoundException">The template is not registered (a bug in the caller).</exception>
    /// <exception cref="HandlebarsException">The data lacks a variable the template uses (a bug in the caller).</exception>
    public string Render(string name, object data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(data);
        return Compiled(name)(data);
    }

    private HandlebarsTemplate<object, object> Compiled(string name)
    {
        if (_compiled.TryGetValue(name, out var cached))
        {
            Interlocked.Increment(ref _hits);
            _metrics.CacheHit(CacheName.Templates);
            return cached.Value;
        }

        if (!_sources.TryGetValue(name, out var source))
        {
            throw new KeyNotFoundException($"no template named \"{name}\"; known: {string.Join(", ", _sources.Keys.Order(StringComparer.Ordinal))}");
        }

        Interlocked.Increment(ref _misses);
        _metrics.CacheMiss(CacheName.Templates);
        var lazy = _compiled.GetOrAdd(name, _ => new Lazy<HandlebarsTemplate<object, object>>(() =>
        {
            Interlocked.Increment(ref _compilations);
            _metrics.TemplateCompiled();
            return _handlebars.Compile(source);
        }));
        return lazy.Value;
    }

    private static Dictionary<string, string> LoadSources()
    {
        var assembly = typeof(TemplateEngine).Assembly;
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".hbs", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..^".hbs".Length].Replace('\\', '/');
            sources[name] = ReadResource(assembly, resource);
        }

        return sources;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded template {resource} is missing");
        using var reader = new StreamReader(stream);

        // A trailing newline in a prompt template would end up inside YAML strings and prompts.
        var text = reader.ReadToEnd();
        return resource.EndsWith(".yml.hbs", StringComparison.Ordinal) ? text : text.TrimEnd('\r', '\n');
    }
}
