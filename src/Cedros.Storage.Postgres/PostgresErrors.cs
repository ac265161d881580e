using System.Net.Sockets;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>The one place where driver exceptions become <see cref="StorageException"/>s, by SQLSTATE
/// (<see cref="PostgresErrorCodes"/>) and exception type, never by message text. Messages never contain a connection
/// string or password.</summary>
internal static class PostgresErrors
{
    private const string ConnectionKey = "storage.postgres.connection_string";

    /// <summary>Serialization failure or deadlock: the whole call may be retried.</summary>
    public static bool IsRetryable(Exception ex) =>
        ex is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    /// <summary>True for exceptions that must not escape raw.</summary>
    public static bool IsDriverError(Exception ex) =>
        ex is NpgsqlException or TimeoutException or SocketException or IOException
        || (ex is InvalidOperationException && ex.Source == "Npgsql")
        || (ex is ObjectDisposedException && ex.InnerException is NpgsqlException);

    /// <summary>As <see cref="Translate(Exception)"/>, for an exception raised while using <paramref name="connection"/>:
    /// once the driver has marked the connection broken (the server died, was shut down or failed over), whatever
    /// the driver throws next (e.g. "the transaction has completed" on COMMIT) means the server was lost.</summary>
    public static StorageException Translate(Exception ex, NpgsqlConnection? connection)
    {
        if (connection is not null && Lost(connection) && ex is InvalidOperationException or ObjectDisposedException
            && ex is not NpgsqlOperationInProgressException)
            return new StorageUnavailableException("the connection to PostgreSQL was lost; retry.", ex);
        return Translate(ex);
    }

    private static bool Lost(NpgsqlConnection connection)
    {
        try
        {
            return (connection.FullState & System.Data.ConnectionState.Broken) != 0 || connection.State == System.Data.ConnectionState.Closed;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>The storage exception for a driver exception.</summary>
    public static StorageException Translate(Exception ex)
    {
        switch (ex)
        {
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg:
                return new StorageConflictException($"a row with the same key already exists ({pg.ConstraintName ?? pg.TableName ?? "unique key"}).", pg);
            case PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } pg:
                return new StorageUnavailableException("the database kept aborting the transaction (serialization failure or deadlock); retry.", pg);
            case PostgresException pg when ConfigurationProblem(pg.SqlState) is { } problem:
                // The server's message names the database, role or object (never a password).
                return new StorageConfigurationException(problem.Key, $"{problem.What} (SQLSTATE {pg.SqlState}: {pg.MessageText}).", pg);
            case PostgresException pg when pg.IsTransient || IsUnavailableState(pg.SqlState):
                return new StorageUnavailableException($"PostgreSQL is unavailable (SQLSTATE {pg.SqlState}); retry.", pg);
            case PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction } pg:
                // The server is (now) a standby: a failover is promoting another node, or the old primary came back
                // as a standby. A multi-host data source rechecks which host is the primary (Host Recheck Seconds).
                return new StorageUnavailableException($"PostgreSQL refused the write as read-only (SQLSTATE {pg.SqlState}): the server is a standby, e.g. during a failover; retry.", pg);
            case PostgresException pg:
                return new StorageException(StorageErrorKind.Internal, $"PostgreSQL error {pg.SqlState}: {pg.MessageText}", pg);
            case NpgsqlOperationInProgressException npg:
                return new StorageException(StorageErrorKind.Internal, "unexpected PostgreSQL driver error.", npg);
            case NpgsqlException npg when npg.IsTransient || HasTransientCause(npg):
                return new StorageUnavailableException("PostgreSQL could not be reached or the connection was lost; retry.", npg);
            case NpgsqlException npg:
                // Npgsql raises server errors as PostgresException and everything else about reaching or talking to
                // the server as NpgsqlException: "No suitable host was found" (no host of a multi-host string is the
                // primary, e.g. during a failover), "Unable to connect to a suitable host" (an AggregateException of
                // the attempts), a broken protocol stream.
                return new StorageUnavailableException("no usable PostgreSQL server could be reached (the primary may be failing over); retry.", npg);
            case TimeoutException or SocketException or IOException:
                return new StorageUnavailableException("PostgreSQL could not be reached or timed out; retry.", ex);
            case { InnerException: { } inner } when IsDriverError(inner) && Translate(inner) is { Kind: StorageErrorKind.Unavailable }:
                // e.g. ObjectDisposedException of a transaction whose connection the server terminated.
                return new StorageUnavailableException("the connection to PostgreSQL was lost; retry.", ex);
            default:
                return new StorageException(StorageErrorKind.Internal, "unexpected PostgreSQL driver error.", ex);
        }
    }

    /// <summary>States that mean the deployment does not match the configuration: retrying will not help, and it is
    /// not a bug in this library.</summary>
    private static (string Key, string What)? ConfigurationProblem(string state) => state switch
    {
        PostgresErrorCodes.InvalidCatalogName => (ConnectionKey, "the database named in the connection string does not exist"),
        PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
            (ConnectionKey, "the server refused the user name or password of the connection string"),
        PostgresErrorCodes.InsufficientPrivilege =>
            (ConnectionKey, "the database role of the connection string lacks a permission this storage needs"),
        PostgresErrorCodes.InvalidSchemaName => ("storage.schema_mapping", "a mapped table names a schema that does not exist"),
        _ => null,
    };

    /// <summary>Unavailable states beyond the driver's own <see cref="PostgresException.IsTransient"/>.</summary>
    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) // connection exception (class 08)
        || state.StartsWith("53", StringComparison.Ordinal) // insufficient resources (class 53: disk full, out of memory, too many connections)
        || state is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
        || state is PostgresErrorCodes.QueryCanceled // statement timeout / cancelled by the server
        || state is PostgresErrorCodes.LockNotAvailable;

    private static bool HasTransientCause(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is TimeoutException or SocketException or IOException) return true;
        return false;
    }
}
