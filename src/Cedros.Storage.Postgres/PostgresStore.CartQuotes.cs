using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using Cedros.Storage.Internal;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : ICartQuoteDriver
{
    /// <summary>One quote in a single-row statement (no arrays to encode and unnest); the batch's rule.</summary>
    public async Task<bool> UpsertCartQuoteUnlessPaidAsync(CartQuote quote, CancellationToken cancellationToken) =>
        await RunAsync(c => c.ExecuteAsync("""
            INSERT INTO [[cart_quotes]] AS q (id, tenant_id, items, total_amount, total_asset, metadata, created_at, expires_at, wallet_paid_by)
            VALUES (@id, @t, @items::jsonb, @total, @asset, @meta::jsonb, @created, @expires, @paid::text)

            """ + UpsertUnlessPaid, ("t", TenantId), ("id", quote.Id), ("items", StorageJson.Serialize(quote.Items)),
            ("total", quote.TotalAmount), ("asset", quote.TotalAsset), ("meta", StorageJson.Serialize(quote.Metadata)),
            ("created", quote.CreatedAt), ("expires", quote.ExpiresAt), ("paid", quote.WalletPaidBy)), cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>The batch in one statement, in a transaction (or savepoint): a paid quote rolls the others back.</summary>
    public Task<int> UpsertCartQuoteBatchUnlessPaidAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken) =>
        Undo.CatchAsync(() => RunAsync(async c =>
        {
            var saved = (await UpsertCartQuotesAsync(c, quotes).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            if (saved.Count == quotes.Count) return -1;
            var paid = quotes.Select((q, i) => (q, i)).First(x => !saved.Contains(x.q.Id)).i;
            throw new Undo<int>(paid);
        }, cancellationToken, atomic: true));

    public Task<IReadOnlyList<CartQuote>> FindCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<CartQuote>>(async c => await c.ListAsync(
            $"SELECT {CartQuoteRow.Columns} FROM [[cart_quotes]] WHERE tenant_id = @t AND id = ANY(@ids)",
            Codec.Rows.CartQuote, ("t", TenantId), ("ids", cartIds.ToArray())).ConfigureAwait(false), cancellationToken);

    /// <summary>One statement: the conditional UPDATE (unpaid, or paid by the same wallet), and whether the cart exists.</summary>
    public Task<CartPayment> SetCartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken) =>
        RunAsync(c => c.RowAsync("""
            WITH u AS (
                UPDATE [[cart_quotes]] SET wallet_paid_by = @w
                 WHERE tenant_id = @t AND id = @id AND (wallet_paid_by IS NULL OR wallet_paid_by = @w)
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM [[cart_quotes]] WHERE tenant_id = @t AND id = @id)
            """, r => r.GetBoolean(0) ? new CartPayment(true, true) : new CartPayment(r.GetBoolean(1), false),
            ("t", TenantId), ("id", cartId), ("w", wallet)), cancellationToken);

    /// <summary>Upserts prepared quotes in one statement; a paid quote is immutable (its row is not returned). Returns
    /// the ids written.</summary>
    private Task<List<string>> UpsertCartQuotesAsync(PgConn c, IReadOnlyList<CartQuote> quotes) =>
        c.ListAsync("""
            INSERT INTO [[cart_quotes]] AS q (id, tenant_id, items, total_amount, total_asset, metadata, created_at, expires_at, wallet_paid_by)
            SELECT u.id, @t, u.items::jsonb, u.total_amount, u.total_asset, u.metadata::jsonb, u.created_at, u.expires_at, u.wallet_paid_by
              FROM unnest(@ids::text[], @items::text[], @totals::bigint[], @assets::text[], @metas::text[],
                          @created::timestamptz[], @expires::timestamptz[], @paid::text[])
                   AS u(id, items, total_amount, total_asset, metadata, created_at, expires_at, wallet_paid_by)

            """ + UpsertUnlessPaid + " RETURNING q.id", r => r.GetString(0),
            ("t", TenantId),
            ("ids", quotes.Select(q => q.Id).ToArray()),
            ("items", quotes.Select(q => StorageJson.Serialize(q.Items)).ToArray()),
            ("totals", quotes.Select(q => q.TotalAmount).ToArray()),
            ("assets", quotes.Select(q => q.TotalAsset).ToArray()),
            ("metas", quotes.Select(q => StorageJson.Serialize(q.Metadata)).ToArray()),
            ("created", quotes.Select(q => q.CreatedAt).ToArray()),
            ("expires", quotes.Select(q => q.ExpiresAt).ToArray()),
            ("paid", quotes.Select(q => q.WalletPaidBy).ToArray()));

    /// <summary>A stored quote is replaced only while unpaid.</summary>
    private const string UpsertUnlessPaid = """
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            items = EXCLUDED.items, total_amount = EXCLUDED.total_amount, total_asset = EXCLUDED.total_asset,
            metadata = EXCLUDED.metadata, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
            wallet_paid_by = EXCLUDED.wallet_paid_by
         WHERE q.wallet_paid_by IS NULL
        """;
}
