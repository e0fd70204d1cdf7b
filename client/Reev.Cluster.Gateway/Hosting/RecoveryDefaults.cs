using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>
/// The recovery configuration applied to submissions that do not give their own (<c>GET/PUT /api/v1/recovery/config</c>).
/// Held by this gateway process (ADR 0004: gateways of one cluster each keep their own until a configuration grain exists).
/// </summary>
internal sealed class RecoveryDefaults
{
    private readonly Lock _lock = new();
    private RecoveryConfig _current = RecoveryConfig.Default;
    private long _version = 1;

    public (RecoveryConfig Config, long Version) Current
    {
        get
        {
            lock (_lock)
            {
                return (_current, _version);
            }
        }
    }

    public long Replace(RecoveryConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_lock)
        {
            _current = config;
            return ++_version;
        }
    }
}
