using Cedros.Storage.Internal;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>
/// The one way a store runs SQL: either on a pooled connection (optionally in its own transaction, retried on
/// serialization failures and deadlocks) or on the current transaction of <see cref="ITenantStorage.InTransactionAsync(Func{ITenantStorage, CancellationToken, Task}, CancellationToken)"/>
/// (each call under a savepoint, so a failed call undoes only itself and the caller may go on). Single calls, batches
/// and transactions all go through here, and every driver exception is translated here.
/// </summary>
internal sealed class PostgresExecutor(PostgresContext context, PostgresSession? session)
{
    private const int MaxAttempts = 4;

    public PostgresSession? Session { get; } = session;

    /// <summary>Runs <paramref name="work"/>; <paramref name="atomic"/> wraps it in a transaction on a pooled
    /// connection (inside a transaction it always runs under a savepoint).</summary>
    public Task<T> RunAsync<T>(Func<PgConn, Task<T>> work, bool atomic, CancellationToken cancellationToken) =>
        RunAsync(work, atomic, watchCommit: true, cancellationToken);

    /// <summary>Runs statements that only read. A read commits nothing, so there is no commit for
    /// <see cref="CommitWatch"/> to watch (subscribing to the connection's notices costs a few µs a call).</summary>
    public Task<T> ReadAsync<T>(Func<PgConn, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(work, atomic: false, watchCommit: false, cancellationToken);

    private async Task<T> RunAsync<T>(Func<PgConn, Task<T>> work, bool atomic, bool watchCommit, CancellationToken cancellationToken)
    {
        if (Session is { } s) return await s.RunAsync(context, work, cancellationToken).ConfigureAwait(false);
        TransactionFlow.ThrowIfInside(context);
        for (var attempt = 1; ; attempt++)
        {
            NpgsqlConnection? connection = null;
            var watch = watchCommit ? new CommitWatch() : null;
            try
            {
                connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                if (watch is not null) connection.Notice += watch.OnNotice;
                if (!atomic)
                {
                    var single = await work(new PgConn(connection, null, context, cancellationToken)).ConfigureAwait(false);
                    watch?.ThrowIfUnconfirmed();
                    return single;
                }
                await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var result = await work(new PgConn(connection, tx, context, cancellationToken)).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                watch?.ThrowIfUnconfirmed();
                return result;
            }
            catch (Exception ex) when (PostgresErrors.IsRetryable(ex) && attempt < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (PostgresErrors.IsDriverError(ex))
            {
                throw PostgresErrors.Translate(ex, connection);
            }
            finally
            {
                if (connection is not null)
                {
                    if (watch is not null) connection.Notice -= watch.OnNotice;
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Opens a connection and a transaction for <see cref="ITenantStorage.InTransactionAsync(Func{ITenantStorage, CancellationToken, Task}, CancellationToken)"/>.</summary>
    public async Task<PostgresSession> BeginSessionAsync(CancellationToken cancellationToken)
    {
        TransactionFlow.ThrowIfInside(context);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresSession(connection, tx);
        }
        catch (Exception ex) when (PostgresErrors.IsDriverError(ex))
        {
            var translated = PostgresErrors.Translate(ex, connection);
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
            throw translated;
        }
    }
}

/// <summary>One connection and its open transaction; calls through it are serialised and each runs under a savepoint.</summary>
internal sealed class PostgresSession(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    private const string Savepoint = "cedros_call";
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<T> RunAsync<T>(PostgresContext context, Func<PgConn, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await transaction.SaveAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await work(new PgConn(connection, transaction, context, cancellationToken)).ConfigureAwait(false);
                await transaction.ReleaseAsync(Savepoint, cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception original)
            {
                try
                {
                    await transaction.RollbackAsync(Savepoint, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (PostgresErrors.IsDriverError(ex) || ex is ObjectDisposedException)
                {
                    // The connection is broken; the original error says why.
                }
                if (PostgresErrors.IsDriverError(original)) throw PostgresErrors.Translate(original, connection);
                throw;
            }
        }
        catch (Exception ex) when (PostgresErrors.IsDriverError(ex))
        {
            throw PostgresErrors.Translate(ex, connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        var watch = new CommitWatch();
        connection.Notice += watch.OnNotice;
        try
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            watch.ThrowIfUnconfirmed();
        }
        catch (Exception ex) when (PostgresErrors.IsDriverError(ex))
        {
            throw PostgresErrors.Translate(ex, connection);
        }
        finally
        {
            connection.Notice -= watch.OnNotice;
        }
    }

    public async Task RollbackAsync()
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgresErrors.IsDriverError(ex) || ex is ObjectDisposedException)
        {
            // The connection is gone; the server rolls the transaction back by itself.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}

/// <summary>
/// Watches a connection for the server's WARNING that a commit stopped waiting for synchronous replication (the
/// command timeout or a cancellation cancelled the wait, SQLSTATE 01000 "canceling wait for synchronous replication"):
/// the transaction is then committed on this server only and a failover may lose it, yet the driver reports success.
/// Such a commit is reported as <see cref="StorageUnavailableException"/> instead: the caller cannot know whether it
/// will survive, exactly as when the connection drops during COMMIT.
/// </summary>
internal sealed class CommitWatch
{
    private volatile bool _unconfirmed;

    public void OnNotice(object? sender, NpgsqlNoticeEventArgs e)
    {
        if (e.Notice.InvariantSeverity == "WARNING" && e.Notice.SqlState is "01000" or PostgresErrorCodes.AdminShutdown)
            _unconfirmed = true;
    }

    public void ThrowIfUnconfirmed()
    {
        if (_unconfirmed)
            throw new StorageUnavailableException(
                "PostgreSQL committed locally but stopped waiting for the synchronous standby (the commit may be lost in a failover); retry.");
    }
}
