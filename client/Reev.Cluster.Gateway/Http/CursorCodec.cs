using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Gateway.Hosting;

namespace Reev.Cluster.Gateway.Http;

/// <summary>
/// Listing cursors: the keyset of the last row and the query's filters, sealed with an HMAC so that a cursor is
/// opaque, cannot be edited by accident, and is refused for a different query. The seal is not access control: a cursor
/// only says where a listing the caller may read goes on, and with the built-in key anyone can seal one. So what a
/// cursor carries is checked like any input (the id's shape).
/// </summary>
internal sealed class CursorCodec
{
    private const string Version = "c1";
    private readonly byte[] _key;

    public CursorCodec(IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _key = SHA256.HashData(Encoding.UTF8.GetBytes("reev-cursor:" + (options.Value.CursorKey ?? "built-in")));
    }

    public string Encode(ExecutionKeyset keyset, string filters)
    {
        var payload = string.Join('\n', Version, keyset.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), keyset.ExecutionId, filters);
        var bytes = Encoding.UTF8.GetBytes(payload);
        var mac = HMACSHA256.HashData(_key, bytes).AsSpan(0, 16);
        return Base64Url.EncodeToString([.. bytes, .. mac]);
    }

    /// <summary>The keyset, or null with the reason when the cursor is malformed, forged or for other filters.</summary>
    public ExecutionKeyset? Decode(string cursor, string filters, out string? error)
    {
        error = "cursor: not a cursor returned by this API";
        if (cursor.Length > 2048 || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        var raw = Base64Url.DecodeFromChars(cursor);
        if (raw.Length <= 16)
        {
            return null;
        }

        var bytes = raw.AsSpan(0, raw.Length - 16);
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, bytes).AsSpan(0, 16), raw.AsSpan(raw.Length - 16)))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(bytes).Split('\n');
        if (parts.Length != 4 || parts[0] != Version || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || !Ids.IsValid(parts[2]))
        {
            return null;
        }

        if (parts[3] != filters)
        {
            error = "cursor: belongs to a listing with other filters (status, benchmark_id)";
            return null;
        }

        error = null;
        return new ExecutionKeyset(new DateTimeOffset(ticks, TimeSpan.Zero), parts[2]);
    }
}
