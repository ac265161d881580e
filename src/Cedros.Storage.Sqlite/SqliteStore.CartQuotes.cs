using Cedros.Storage.FrontDoor.Drivers;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : ICartQuoteDriver
{
    private const string CartQuoteColumns = "tenant_id, id, items, total_amount, total_asset, metadata, created_at, expires_at, wallet_paid_by";

    private static CartQuote ReadCartQuote(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Id = r.Str(1),
        Items = r.Json<CartItem[]>(2, []),
        TotalAmount = r.Long(3),
        TotalAsset = r.Str(4),
        Metadata = r.Metadata(5),
        CreatedAt = r.Time(6),
        ExpiresAt = r.Time(7),
        WalletPaidBy = r.StrOrNull(8),
    };

    /// <summary>Upsert that refuses to touch a paid quote: the WHERE on DO UPDATE leaves a paid row unchanged (0 changes).</summary>
    private string UpsertCartQuoteSql => Sql($"""
        INSERT INTO [[cart_quotes]] ({CartQuoteColumns})
        VALUES (@tenant, @id, @items, @total_amount, @total_asset, @metadata, @created_at, @expires_at, @wallet_paid_by)
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            items = excluded.items, total_amount = excluded.total_amount, total_asset = excluded.total_asset,
            metadata = excluded.metadata, created_at = excluded.created_at, expires_at = excluded.expires_at,
            wallet_paid_by = excluded.wallet_paid_by
        WHERE wallet_paid_by IS NULL
        """);

    private (string, object?)[] CartQuoteArgs(CartQuote q) =>
    [
        Tenant, ("@id", q.Id), ("@items", Json(q.Items)), ("@total_amount", q.TotalAmount), ("@total_asset", q.TotalAsset),
        ("@metadata", Json(q.Metadata)), ("@created_at", q.CreatedAt), ("@expires_at", q.ExpiresAt), ("@wallet_paid_by", q.WalletPaidBy),
    ];

    public Task<bool> UpsertCartQuoteUnlessPaidAsync(CartQuote quote, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(UpsertCartQuoteSql, CartQuoteArgs(quote)) > 0, cancellationToken);

    /// <summary>Every upsert in one write transaction (or savepoint); a paid quote rolls all of them back.</summary>
    public Task<int> UpsertCartQuoteBatchUnlessPaidAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken) =>
        Undo.CatchAsync(() => WriteAsync(s =>
        {
            var paid = Array.IndexOf(s.ForEach(UpsertCartQuoteSql, quotes, CartQuoteArgs), 0);
            return paid < 0 ? -1 : throw new Undo<int>(paid);
        }, cancellationToken));

    public Task<CartQuote?> FindCartQuoteAsync(string cartId, CancellationToken cancellationToken) =>
        ReadAsync(s => s.One(Sql($"SELECT {CartQuoteColumns} FROM [[cart_quotes]] WHERE tenant_id = @tenant AND id = @id"),
            ReadCartQuote, Tenant, ("@id", cartId)), cancellationToken);

    public Task<IReadOnlyList<CartQuote>> FindCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<CartQuote>>(s => s.List(Sql($"""
            SELECT {CartQuoteColumns} FROM [[cart_quotes]]
            WHERE tenant_id = @tenant AND id IN (SELECT value FROM json_each(@ids))
            """), ReadCartQuote, Tenant, ("@ids", Json(cartIds))), cancellationToken);

    /// <summary>One conditional UPDATE; only when it changes nothing is the payer read, in the same write transaction.</summary>
    public Task<CartPayment> SetCartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var paid = s.Execute(Sql("""
                UPDATE [[cart_quotes]] SET wallet_paid_by = @wallet
                WHERE tenant_id = @tenant AND id = @id AND wallet_paid_by IS NULL
                """), Tenant, ("@id", cartId), ("@wallet", wallet));
            if (paid == 1) return new CartPayment(true, true);
            var current = s.One(Sql("SELECT coalesce(wallet_paid_by, '') FROM [[cart_quotes]] WHERE tenant_id = @tenant AND id = @id"),
                r => r.GetString(0), Tenant, ("@id", cartId));
            return new CartPayment(current is not null, string.Equals(current, wallet, StringComparison.Ordinal));
        }, cancellationToken);

    public Task<bool> CartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken) =>
        ReadAsync(s => s.Exists(Sql("SELECT 1 FROM [[cart_quotes]] WHERE tenant_id = @tenant AND id = @id AND wallet_paid_by = @wallet"),
            Tenant, ("@id", cartId), ("@wallet", wallet)), cancellationToken);
}
