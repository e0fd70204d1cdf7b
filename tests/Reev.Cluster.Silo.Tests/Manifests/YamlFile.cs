using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>YAML documents as plain maps, lists and strings (merge keys resolved), with path lookups for assertions.</summary>
internal static class YamlFile
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static IReadOnlyList<Dictionary<object, object>> Documents(string path)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        var parser = new MergingParser(new Parser(reader));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<Dictionary<object, object>?>(parser) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    /// <summary>The node at a dotted path ("spec.template.spec"), or null.</summary>
    public static object? At(object? node, string path)
    {
        foreach (var key in path.Split('.'))
        {
            if (node is not Dictionary<object, object> map || !map.TryGetValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static Dictionary<object, object> Map(object? node, string path) =>
        At(node, path) as Dictionary<object, object> ?? throw new Xunit.Sdk.XunitException($"'{path}' is not a map");

    public static List<object> List(object? node, string path) =>
        At(node, path) as List<object> ?? throw new Xunit.Sdk.XunitException($"'{path}' is not a list");

    public static string? Text(object? node, string path) => At(node, path) as string;
}
