using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : ICartQuoteDriver
{
    /// <summary>Upsert that refuses to touch a paid quote: the WHERE on DO UPDATE leaves a paid row unchanged (0 changes).</summary>
    private static readonly string UpsertCartQuote = $"""
        INSERT INTO [[cart_quotes]] ({CartQuoteRow.Columns}) VALUES ({CartQuoteRow.Values})
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            items = excluded.items, total_amount = excluded.total_amount, total_asset = excluded.total_asset,
            metadata = excluded.metadata, created_at = excluded.created_at, expires_at = excluded.expires_at,
            wallet_paid_by = excluded.wallet_paid_by
        WHERE wallet_paid_by IS NULL
        """;

    public Task<bool> UpsertCartQuoteUnlessPaidAsync(CartQuote quote, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql(UpsertCartQuote), CartQuoteRow.Args(quote, TenantId, Codec)) > 0, cancellationToken);

    /// <summary>Every upsert in one write transaction (or savepoint); a paid quote rolls all of them back.</summary>
    public Task<int> UpsertCartQuoteBatchUnlessPaidAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken) =>
        Undo.CatchAsync(() => WriteAsync(s =>
        {
            var paid = Array.IndexOf(s.ForEach(Sql(UpsertCartQuote), quotes, q => CartQuoteRow.Args(q, TenantId, Codec)), 0);
            return paid < 0 ? -1 : throw new Undo<int>(paid);
        }, cancellationToken));

    public Task<IReadOnlyList<CartQuote>> FindCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<CartQuote>>(s => s.List(Sql($"""
            SELECT {CartQuoteRow.Columns} FROM [[cart_quotes]]
            WHERE tenant_id = @tenant AND id IN (SELECT value FROM json_each(@ids))
            """), Codec.Rows.CartQuote, Tenant, ("@ids", Json(cartIds))), cancellationToken);

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
}
