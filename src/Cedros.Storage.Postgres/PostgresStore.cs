using System.Data.Common;
using Cedros.Storage.FrontDoor;
using Cedros.Storage.Internal;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Postgres;

/// <summary>
/// One tenant's view of a <see cref="PostgresStorage"/>. The statements both SQL backends share are the core's
/// <see cref="SqlDriver"/>; each contract area's PostgreSQL-only SQL lives in its own partial file beside the method.
/// Every call runs through the store's <see cref="PostgresExecutor"/> (a pooled connection, or the current transaction).
/// </summary>
internal sealed partial class PostgresStore : SqlDriver, IStoreDriver
{
    private readonly PostgresExecutor _executor;

    public PostgresStore(PostgresContext context, string tenantId, PostgresExecutor executor)
        : base(PgCodec.Instance, context.Tables, tenantId)
    {
        Context = context;
        _executor = executor;
        Products = new PostgresProductRepository(this);
        Coupons = new PostgresCouponRepository(this);
        Subscriptions = new PostgresSubscriptionRepository(this);
    }

    public FrontDoor.Drivers.IProductDriver Products { get; }
    public FrontDoor.Drivers.ICouponDriver Coupons { get; }
    public FrontDoor.Drivers.ISubscriptionDriver Subscriptions { get; }

    internal PostgresContext Context { get; }
    internal DateTimeOffset Now => Context.Now;

    /// <summary>Runs one unit of work; <paramref name="atomic"/> when it has more than one statement.</summary>
    internal Task<T> RunAsync<T>(Func<PgConn, Task<T>> work, CancellationToken cancellationToken, bool atomic = false) =>
        _executor.RunAsync(work, atomic, cancellationToken);

    /// <summary>As <see cref="RunAsync{T}"/> without a result.</summary>
    internal Task RunAsync(Func<PgConn, Task> work, CancellationToken cancellationToken, bool atomic = false) =>
        _executor.RunAsync(async c => { await work(c).ConfigureAwait(false); return true; }, atomic, cancellationToken);

    internal override Task<int> ExecuteAsync(string template, (string Name, object? Value)[] args, CancellationToken cancellationToken) =>
        RunAsync(c => c.ExecuteAsync(Codec.Dialect(template), args), cancellationToken);

    /// <summary>Runs statements that only read (no commit to watch: <see cref="PostgresExecutor.ReadAsync{T}"/>).</summary>
    internal Task<T> ReadAsync<T>(Func<PgConn, Task<T>> work, CancellationToken cancellationToken) =>
        _executor.ReadAsync(work, cancellationToken);

    internal override Task<T?> OneAsync<T>(string template, Func<DbDataReader, T> read, (string Name, object? Value)[] args,
        CancellationToken cancellationToken) where T : class =>
        ReadAsync(c => c.OneAsync(Codec.Dialect(template), read, args), cancellationToken);

    internal override Task<List<T>> ListAsync<T>(string template, Func<DbDataReader, T> read, (string Name, object? Value)[] args,
        CancellationToken cancellationToken) =>
        ReadAsync(c => c.ListAsync(Codec.Dialect(template), read, args), cancellationToken);

    internal override Task<T?> WriteOneAsync<T>(string template, Func<DbDataReader, T> read, (string Name, object? Value)[] args,
        CancellationToken cancellationToken) where T : class =>
        RunAsync(c => c.OneAsync(Codec.Dialect(template), read, args), cancellationToken, atomic: true);

    public bool InTransaction => _executor.Session is not null;

    public async Task<T> TransactAsync<T>(Func<IStoreDriver, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_executor.Session is not null) return await work(this, cancellationToken).ConfigureAwait(false);
        await using var session = await _executor.BeginSessionAsync(cancellationToken).ConfigureAwait(false);
        var bound = new PostgresStore(Context, TenantId, new PostgresExecutor(Context, session));
        T result;
        try
        {
            using (TransactionFlow.Enter(Context))
                result = await work(bound, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await session.RollbackAsync().ConfigureAwait(false);
            throw;
        }
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }
}
