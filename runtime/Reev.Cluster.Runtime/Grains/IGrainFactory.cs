namespace Reev.Cluster.Runtime;

/// <summary>Creates references to grains. Inside a grain's turn, sends join the turn's commit.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrain;
}
