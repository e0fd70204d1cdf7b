namespace Reev.Cluster.Runtime.Engine;

/// <summary>What a grain instance knows of its activation.</summary>
internal sealed record GrainActivationContext(GrainId Id, IGrainFactory GrainFactory, TimeProvider TimeProvider);
