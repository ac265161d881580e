using System.Net.Sockets;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>The one place where driver exceptions become <see cref="StorageException"/>s, by SQLSTATE and exception
/// type, never by message text. Messages never contain a connection string or password.</summary>
internal static class PostgresErrors
{
    /// <summary>Serialization failure or deadlock: the whole call may be retried.</summary>
    public static bool IsRetryable(Exception ex) => ex is PostgresException { SqlState: "40001" or "40P01" };

    /// <summary>True for exceptions that must not escape raw.</summary>
    public static bool IsDriverError(Exception ex) =>
        ex is NpgsqlException or TimeoutException or SocketException or IOException
        || (ex is InvalidOperationException && ex.Source == "Npgsql")
        || (ex is ObjectDisposedException && ex.InnerException is NpgsqlException);

    /// <summary>The storage exception for a driver exception.</summary>
    public static StorageException Translate(Exception ex)
    {
        switch (ex)
        {
            case PostgresException { SqlState: "23505" } pg:
                return new StorageConflictException($"a row with the same key already exists ({pg.ConstraintName ?? pg.TableName ?? "unique key"}).", pg);
            case PostgresException { SqlState: "40001" or "40P01" } pg:
                return new StorageUnavailableException("the database kept aborting the transaction (serialization failure or deadlock); retry.", pg);
            case PostgresException pg when IsUnavailableState(pg.SqlState):
                return new StorageUnavailableException($"PostgreSQL is unavailable (SQLSTATE {pg.SqlState}).", pg);
            case PostgresException pg:
                return new StorageException(StorageErrorKind.Internal, $"PostgreSQL error {pg.SqlState}: {pg.MessageText}", pg);
            case NpgsqlException npg when npg.IsTransient || HasTransientCause(npg):
                return new StorageUnavailableException("PostgreSQL could not be reached or the connection was lost; retry.", npg);
            case TimeoutException or SocketException or IOException:
                return new StorageUnavailableException("PostgreSQL could not be reached or timed out; retry.", ex);
            case { InnerException: { } inner } when IsDriverError(inner) && Translate(inner) is { Kind: StorageErrorKind.Unavailable }:
                // e.g. ObjectDisposedException of a transaction whose connection the server terminated.
                return new StorageUnavailableException("the connection to PostgreSQL was lost; retry.", ex);
            default:
                return new StorageException(StorageErrorKind.Internal, "unexpected PostgreSQL driver error.", ex);
        }
    }

    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) // connection exception
        || state is "57P01" or "57P02" or "57P03" // admin shutdown, crash shutdown, cannot connect now
        || state is "53300" or "53400" // too many connections, configuration limit exceeded
        || state is "57014" // statement timeout / cancelled by the server
        || state is "55P03"; // lock not available

    private static bool HasTransientCause(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is TimeoutException or SocketException or IOException) return true;
        return false;
    }
}
