using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// Where a store method's SQL runs: a pooled connection (each write its own <c>BEGIN IMMEDIATE</c> transaction) or the
/// current transaction (each write a savepoint, so a call that fails inside a transaction leaves nothing behind).
/// Single calls, batches and transactions all go through this one abstraction.
/// </summary>
internal abstract class SqliteExecutor(SqliteEngine engine)
{
    public SqliteEngine Engine { get; } = engine;

    /// <summary>True when bound to a transaction.</summary>
    public abstract bool InTransaction { get; }

    /// <summary>Runs a read; with <paramref name="snapshot"/>, all its statements see one consistent snapshot.</summary>
    public abstract Task<T> ReadAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken, bool snapshot = false);

    /// <summary>Runs a write atomically: all of it or none of it.</summary>
    public abstract Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken);

    /// <summary>Runs a write of exactly one SQL statement, which SQLite makes atomic by itself.</summary>
    public virtual Task<T> WriteStatementAsync<T>(Func<SqliteSession, T> statement, CancellationToken cancellationToken) =>
        WriteAsync(statement, cancellationToken);

    protected static T Translated<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex);
        }
    }
}

/// <summary>A pooled connection per call; writes serialised in-process by the gate and across processes by the file lock.</summary>
internal sealed class PooledExecutor(SqliteEngine engine) : SqliteExecutor(engine)
{
    public override bool InTransaction => false;

    public override Task<T> ReadAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken, bool snapshot = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Cedros.Storage.Internal.TransactionFlow.ThrowIfInside(Engine);
        return Task.FromResult(Translated(() =>
        {
            var session = Engine.Pool.Rent();
            try
            {
                if (!snapshot) return work(session);
                // A deferred transaction in WAL mode reads one snapshot and takes no write lock.
                session.Execute("BEGIN DEFERRED");
                try
                {
                    return work(session);
                }
                finally
                {
                    session.Execute("COMMIT");
                }
            }
            finally
            {
                Engine.Pool.Return(session);
            }
        }));
    }

    public override Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken) =>
        WriteOnPooledAsync(session => RunImmediate(session, work), cancellationToken);

    public override Task<T> WriteStatementAsync<T>(Func<SqliteSession, T> statement, CancellationToken cancellationToken) =>
        WriteOnPooledAsync(statement, cancellationToken);

    private async Task<T> WriteOnPooledAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        await Engine.EnterWriterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Translated(() =>
            {
                var session = Engine.Pool.Rent();
                try
                {
                    return work(session);
                }
                finally
                {
                    Engine.Pool.Return(session);
                }
            });
        }
        finally
        {
            Engine.ExitWriter();
        }
    }

    /// <summary>Runs <paramref name="work"/> in one <c>BEGIN IMMEDIATE</c> transaction; rolls back if it throws.</summary>
    public static T RunImmediate<T>(SqliteSession session, Func<SqliteSession, T> work)
    {
        session.Execute("BEGIN IMMEDIATE");
        try
        {
            var result = work(session);
            session.Execute("COMMIT");
            return result;
        }
        catch
        {
            TryRollback(session);
            throw;
        }
    }

    public static void TryRollback(SqliteSession session)
    {
        try
        {
            if (!session.Connection.State.Equals(System.Data.ConnectionState.Open)) return;
            session.Execute("ROLLBACK");
        }
        catch (SqliteException)
        {
            // No transaction left to roll back (SQLite already rolled it back): nothing to undo.
        }
    }
}

/// <summary>One connection inside one <c>BEGIN IMMEDIATE</c> transaction, for <c>InTransactionAsync</c>.</summary>
internal sealed class TransactionExecutor(SqliteEngine engine, SqliteSession session) : SqliteExecutor(engine)
{
    // Calls made in parallel through one transaction handle take turns on its single connection.
    private readonly Lock _calls = new();
    private readonly SqliteSession _session = session;
    private int _savepoints;

    public override bool InTransaction => true;

    public override Task<T> ReadAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken, bool snapshot = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_calls) return Task.FromResult(Translated(() => work(_session)));
    }

    public override Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_calls)
        {
            return Task.FromResult(Translated(() =>
            {
                var name = "sp" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _session.Execute("SAVEPOINT " + name);
                try
                {
                    var result = work(_session);
                    _session.Execute("RELEASE " + name);
                    return result;
                }
                catch
                {
                    _session.Execute("ROLLBACK TO " + name);
                    _session.Execute("RELEASE " + name);
                    throw;
                }
            }));
        }
    }
}
