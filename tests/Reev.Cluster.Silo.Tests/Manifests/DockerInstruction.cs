namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>One Dockerfile instruction and the index of the build stage it belongs to.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Stage);
