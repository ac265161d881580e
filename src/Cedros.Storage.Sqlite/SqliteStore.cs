using System.Data.Common;
using Cedros.Storage.FrontDoor;
using Cedros.Storage.Internal;
using Cedros.Storage.Schema;
using Cedros.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// One tenant's view of a <see cref="SqliteStorage"/>, bound to an executor (pooled connections, or one transaction).
/// The statements both SQL backends share are the core's <see cref="SqlDriver"/>; each contract area's SQLite-only SQL
/// lives in its own partial file beside the method. Writes that check and then change
/// a row run inside one <c>BEGIN IMMEDIATE</c> transaction (or savepoint), which holds the file's write lock from its
/// first statement, so no other writer in any process can interleave.
/// </summary>
internal sealed partial class SqliteStore : SqlDriver, IStoreDriver
{
    private readonly SqliteExecutor _executor;

    public SqliteStore(SqliteExecutor executor, string tenantId)
        : base(SqliteCodec.Instance, executor.Engine.Tables, tenantId)
    {
        _executor = executor;
        Products = new SqliteProductRepository(this);
        Coupons = new SqliteCouponRepository(this);
        Subscriptions = new SqliteSubscriptionRepository(this);
    }

    public FrontDoor.Drivers.IProductDriver Products { get; }
    public FrontDoor.Drivers.ICouponDriver Coupons { get; }
    public FrontDoor.Drivers.ISubscriptionDriver Subscriptions { get; }

    internal SqliteEngine Engine => _executor.Engine;
    internal DateTimeOffset Now => _executor.Engine.Now;

    /// <summary>The SQL of a template: <c>[[entity]]</c> is the entity's mapped table (Schema/SqlTemplate.cs).</summary>
    internal string Sql(string template) => Engine.Sql(template);

    internal Task<T> ReadAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken, bool snapshot = false) =>
        _executor.ReadAsync(work, cancellationToken, snapshot);

    internal Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken) =>
        _executor.WriteAsync(work, cancellationToken);

    internal Task WriteAsync(Action<SqliteSession> work, CancellationToken cancellationToken) =>
        _executor.WriteAsync(work, static (s, w) => { w(s); return true; }, cancellationToken);

    /// <summary>
    /// One statement, written outside an explicit transaction: SQLite makes a statement atomic by itself (its trigger
    /// effects included), and an explicit <c>BEGIN IMMEDIATE … COMMIT</c> around it cost a single-row write up to a
    /// tenth of its time (docs/decisions.md, "SQLite single-statement writes"). A template of several statements
    /// keeps the transaction.
    /// </summary>
    internal override Task<int> ExecuteAsync(string template, (string Name, object? Value)[] args, CancellationToken cancellationToken)
    {
        var sql = Sql(Codec.Dialect(template));
        return SqliteSingleStatement.Is(sql)
            ? _executor.WriteStatementAsync((sql, args), static (s, a) => s.Execute(a.sql, a.args), cancellationToken)
            : _executor.WriteAsync((sql, args), static (s, a) => s.Execute(a.sql, a.args), cancellationToken);
    }

    internal override Task<T?> OneAsync<T>(string template, Func<DbDataReader, T> read, (string Name, object? Value)[] args,
        CancellationToken cancellationToken) where T : class =>
        _executor.ReadAsync((sql: Sql(Codec.Dialect(template)), read, args), static (s, a) => s.One(a.sql, a.read, a.args), cancellationToken);

    internal override Task<List<T>> ListAsync<T>(string template, Func<DbDataReader, T> read, (string Name, object? Value)[] args,
        CancellationToken cancellationToken) =>
        _executor.ReadAsync((sql: Sql(Codec.Dialect(template)), read, args), static (s, a) => s.List(a.sql, a.read, a.args), cancellationToken);

    internal override Task<T?> WriteOneAsync<T>(string template, Func<DbDataReader, T> read, (string Name, object? Value)[] args,
        CancellationToken cancellationToken) where T : class =>
        _executor.WriteAsync((sql: Sql(Codec.Dialect(template)), read, args), static (s, a) => s.One(a.sql, a.read, a.args), cancellationToken);

    public bool InTransaction => _executor.InTransaction;

    public async Task<T> TransactAsync<T>(Func<IStoreDriver, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_executor.InTransaction) return await work(this, cancellationToken).ConfigureAwait(false);
        await Engine.EnterWriterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var session = Rent();
            try
            {
                Translate(() => session.Execute("BEGIN IMMEDIATE"));
                var bound = new SqliteStore(new TransactionExecutor(Engine, session), TenantId);
                T result;
                using (TransactionFlow.Enter(Engine))
                    result = await work(bound, cancellationToken).ConfigureAwait(false);
                Translate(() => session.Execute("COMMIT"));
                return result;
            }
            catch
            {
                PooledExecutor.TryRollback(session);
                throw;
            }
            finally
            {
                Engine.Pool.Return(session);
            }
        }
        finally
        {
            Engine.ExitWriter();
        }
    }

    private SqliteSession Rent()
    {
        try
        {
            return Engine.Pool.Rent();
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex);
        }
    }

    private static void Translate(Action action)
    {
        try
        {
            action();
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex);
        }
    }
}
