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

    /// <summary>Runs a read; with <paramref name="snapshot"/>, all its statements see one consistent snapshot. The
    /// state is passed through so a hot caller's work can be a static lambda (no closure per call).</summary>
    public abstract Task<T> ReadAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, CancellationToken cancellationToken,
        bool snapshot = false);

    /// <summary>Runs a write atomically: all of it or none of it.</summary>
    public abstract Task<T> WriteAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, CancellationToken cancellationToken);

    /// <summary>Runs a write of exactly one SQL statement, which SQLite makes atomic by itself.</summary>
    public virtual Task<T> WriteStatementAsync<TState, T>(TState state, Func<SqliteSession, TState, T> statement,
        CancellationToken cancellationToken) =>
        WriteAsync(state, statement, cancellationToken);

    public Task<T> ReadAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken, bool snapshot = false) =>
        ReadAsync(work, static (s, w) => w(s), cancellationToken, snapshot);

    public Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken) =>
        WriteAsync(work, static (s, w) => w(s), cancellationToken);
}

/// <summary>A pooled connection per call; writes serialised in-process by the gate and across processes by the file lock.</summary>
internal sealed class PooledExecutor(SqliteEngine engine) : SqliteExecutor(engine)
{
    public override bool InTransaction => false;

    public override Task<T> ReadAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, CancellationToken cancellationToken,
        bool snapshot = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Cedros.Storage.Internal.TransactionFlow.ThrowIfInside(Engine);
        try
        {
            var session = Engine.Pool.Rent();
            try
            {
                if (!snapshot) return Task.FromResult(work(session, state));
                // A deferred transaction in WAL mode reads one snapshot and takes no write lock.
                session.Execute("BEGIN DEFERRED");
                try
                {
                    return Task.FromResult(work(session, state));
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
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex);
        }
    }

    public override Task<T> WriteAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, CancellationToken cancellationToken) =>
        WriteOnPooledAsync(state, work, immediate: true, cancellationToken);

    public override Task<T> WriteStatementAsync<TState, T>(TState state, Func<SqliteSession, TState, T> statement,
        CancellationToken cancellationToken) =>
        WriteOnPooledAsync(state, statement, immediate: false, cancellationToken);

    private async Task<T> WriteOnPooledAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, bool immediate,
        CancellationToken cancellationToken)
    {
        await Engine.EnterWriterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var session = Engine.Pool.Rent();
            try
            {
                return immediate ? RunImmediate(session, state, work) : work(session, state);
            }
            finally
            {
                Engine.Pool.Return(session);
            }
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex);
        }
        finally
        {
            Engine.ExitWriter();
        }
    }

    /// <summary>Runs <paramref name="work"/> in one <c>BEGIN IMMEDIATE</c> transaction; rolls back if it throws.</summary>
    public static T RunImmediate<T>(SqliteSession session, Func<SqliteSession, T> work) =>
        RunImmediate(session, work, static (s, w) => w(s));

    private static T RunImmediate<TState, T>(SqliteSession session, TState state, Func<SqliteSession, TState, T> work)
    {
        session.Execute("BEGIN IMMEDIATE");
        try
        {
            var result = work(session, state);
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

    public override Task<T> ReadAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, CancellationToken cancellationToken,
        bool snapshot = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_calls)
        {
            try
            {
                return Task.FromResult(work(_session, state));
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex);
            }
        }
    }

    public override Task<T> WriteAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_calls)
        {
            try
            {
                var name = "sp" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _session.Execute("SAVEPOINT " + name);
                try
                {
                    var result = work(_session, state);
                    _session.Execute("RELEASE " + name);
                    return Task.FromResult(result);
                }
                catch
                {
                    _session.Execute("ROLLBACK TO " + name);
                    _session.Execute("RELEASE " + name);
                    throw;
                }
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex);
            }
        }
    }
}
