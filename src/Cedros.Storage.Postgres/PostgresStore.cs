using Cedros.Storage.FrontDoor;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.Postgres;

/// <summary>
/// One tenant's view of a <see cref="PostgresStorage"/>. Each contract area lives in its own partial file with its SQL
/// beside the method; every call runs through the store's <see cref="PostgresExecutor"/> (a pooled connection, or the
/// current transaction).
/// </summary>
internal sealed partial class PostgresStore : IStoreDriver
{
    private readonly PostgresExecutor _executor;

    public PostgresStore(PostgresContext context, string tenantId, PostgresExecutor executor)
    {
        Context = context;
        _executor = executor;
        TenantId = tenantId;
        Products = new PostgresProductRepository(this);
        Coupons = new PostgresCouponRepository(this);
        Subscriptions = new PostgresSubscriptionRepository(this);
    }

    public string TenantId { get; }
    public FrontDoor.Drivers.IProductDriver Products { get; }
    public FrontDoor.Drivers.ICouponDriver Coupons { get; }
    public FrontDoor.Drivers.ISubscriptionDriver Subscriptions { get; }

    internal PostgresContext Context { get; }
    internal DateTimeOffset Now => Context.Now;

    public Task<IReadOnlyList<string>> ListTenantIdsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<string>>(async c =>
            [.. (await c.ListAsync(Context.Tables.TenantIdsTemplate(), r => r.GetString(0)).ConfigureAwait(false)).Order(StringComparer.Ordinal)],
            cancellationToken);

    /// <summary>Runs one unit of work; <paramref name="atomic"/> when it has more than one statement.</summary>
    internal Task<T> RunAsync<T>(Func<PgConn, Task<T>> work, CancellationToken cancellationToken, bool atomic = false) =>
        _executor.RunAsync(work, atomic, cancellationToken);

    /// <summary>As <see cref="RunAsync{T}"/> without a result.</summary>
    internal Task RunAsync(Func<PgConn, Task> work, CancellationToken cancellationToken, bool atomic = false) =>
        _executor.RunAsync(async c => { await work(c).ConfigureAwait(false); return true; }, atomic, cancellationToken);

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
