using System.Data.Common;
using System.Net.Sockets;
using System.Text;

namespace Reev.Cluster.Runtime.Storage;

/// <summary>
/// What a store's error says about what happened, for the engine (DESIGN R4): whether it is the database's condition
/// (try again later, without counting against the message) or the message's own (count it, so that it ends as a dead
/// letter instead of blocking its grain). Provider-neutral: it reads <see cref="DbException.SqlState"/>, not a driver's
/// types.
/// </summary>
internal static class StoreErrors
{
    /// <summary>
    /// SQLSTATEs of conditions that pass: a serialization failure or a deadlock (40001, 40P01), a lock wait that timed out
    /// (55P03), no room or no connection slot (class 53), a server shutting down or starting (57P01-57P05), a connection
    /// failure (class 08), an error of the server's system, such as a disk I/O error (class 58).
    /// </summary>
    public static bool IsTransientSqlState(string? sqlState) =>
        sqlState is not null
        && (sqlState is "40001" or "40P01" or "55P03"
            || sqlState.StartsWith("53", StringComparison.Ordinal)
            || sqlState.StartsWith("57P", StringComparison.Ordinal)
            || sqlState.StartsWith("08", StringComparison.Ordinal)
            || sqlState.StartsWith("58", StringComparison.Ordinal));

    /// <summary>
    /// A value the driver refuses to bind (text that is not valid UTF-16, a DateTimeOffset PostgreSQL's timestamptz cannot
    /// take, a number out of range, a type it does not map): raised before anything is sent, and raised again for the
    /// same values. <see cref="EncoderFallbackException"/> is an <see cref="ArgumentException"/>.
    /// </summary>
    public static bool IsBindingError(Exception ex) =>
        ex is ArgumentException or NotSupportedException or OverflowException or InvalidCastException;

    /// <summary>
    /// A read failed because the database could not be read or reached for now: a timeout (the client's, or the server's
    /// statement timeout, 57014), a connection or network failure (a driver error without a server SQLSTATE), or a server
    /// error of a passing condition (<see cref="IsTransientSqlState"/>).
    /// </summary>
    public static bool IsTransient(Exception ex) =>
        ex is TimeoutException or IOException or SocketException or CommitNotAppliedException
        || (ex is DbException db && (db.SqlState is null or "57014" || IsTransientSqlState(db.SqlState)));
}
