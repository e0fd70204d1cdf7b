using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Gateway.Http;

namespace Reev.Cluster.Gateway.Security;

/// <summary>The configured API keys, compared by hash in constant time.</summary>
internal sealed class ApiKeyStore
{
    private readonly List<(byte[] Hash, GatewayCaller Caller)> _keys = [];

    public ApiKeyStore(IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The hosts check the settings at start (GatewayOptions.Problems); a host that did not is stopped here, the same way.
        if (options.Value.Problems() is [var problem, ..])
        {
            throw new InvalidOperationException(problem);
        }

        foreach (var key in options.Value.ApiKeys)
        {
            var role = LenientEnumConverterFactory.TryParse<GatewayRole>(key.Role, out var parsed) ? parsed : throw new UnreachableException("checked by Problems()");
            _keys.Add((Hash(key.Key), new GatewayCaller(key.Name, role)));
        }
    }

    /// <summary>No keys configured: the gateway is open, to loopback clients only.</summary>
    public bool IsOpen => _keys.Count == 0;

    public GatewayCaller? Find(string presented)
    {
        var hash = Hash(presented);
        GatewayCaller? found = null;
        foreach (var (candidate, caller) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, hash))
            {
                found ??= caller;
            }
        }

        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
