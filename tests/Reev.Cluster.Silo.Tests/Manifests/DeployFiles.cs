using System.Xml.Linq;

namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>The files under deploy/ and facts of the repository they must agree with.</summary>
internal static class DeployFiles
{
    public const string SiloImage = "reev-cluster/silo";
    public const string GatewayImage = "reev-cluster/gateway";

    public static string PathOf(string relative) => Path.Combine(RepositoryPaths.Deploy, relative);

    public static IEnumerable<string> All() =>
        Directory.EnumerateFiles(RepositoryPaths.Deploy, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static IEnumerable<string> Kubernetes() =>
        Directory.EnumerateFiles(PathOf("k8s"), "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal);

    /// <summary>The project files (relative to the repository root) of the silo project and every project it references, transitively.</summary>
    public static IReadOnlyList<string> SiloProjectClosure() => ProjectClosure("silo/Reev.Cluster.Silo/Reev.Cluster.Silo.csproj");

    /// <summary>The project files (relative to the repository root) of a project and every project it references, transitively.</summary>
    public static IReadOnlyList<string> ProjectClosure(string relativeProject)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.Combine(RepositoryPaths.Root, relativeProject)]);
        while (pending.Count > 0)
        {
            var project = Path.GetFullPath(pending.Pop());
            if (!seen.Add(Path.GetRelativePath(RepositoryPaths.Root, project).Replace('\\', '/')))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
            {
                pending.Push(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value.Replace('\\', '/')));
            }
        }

        return seen.ToList();
    }
}
