using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore
{
    private const string CartQuoteColumns = "id, tenant_id, items, total_amount, total_asset, metadata, created_at, expires_at, wallet_paid_by";

    private static CartQuote ReadCartQuote(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        TenantId = r.GetString(1),
        Items = StorageJson.Deserialize<List<CartItem>?>(PgRow.OptStr(r, 2), null)?.AsReadOnly() ?? (IReadOnlyList<CartItem>)[],
        TotalAmount = PgRow.Long(r, 3),
        TotalAsset = PgRow.Str(r, 4),
        Metadata = PgRow.Meta(r, 5),
        CreatedAt = PgRow.Time(r, 6),
        ExpiresAt = PgRow.Time(r, 7),
        WalletPaidBy = PgRow.OptStr(r, 8),
    };

    public Task SaveCartQuoteAsync(CartQuote quote, CancellationToken cancellationToken) =>
        SaveCartQuotesCoreAsync([Prepare.CartQuote(TenantId, quote, Now)], batch: false, cancellationToken);

    public Task<CartQuote?> GetCartQuoteAsync(string cartId, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        return RunAsync(c => c.OneAsync($"SELECT {CartQuoteColumns} FROM [[cart_quotes]] WHERE tenant_id = @t AND id = @id",
            ReadCartQuote, ("t", TenantId), ("id", cartId)), cancellationToken);
    }

    public Task MarkCartPaidAsync(string cartId, string wallet, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        Check.Required(wallet, "wallet");
        return RunAsync(async c =>
        {
            var (updated, exists) = await c.RowAsync("""
                WITH u AS (
                    UPDATE [[cart_quotes]] SET wallet_paid_by = @w
                     WHERE tenant_id = @t AND id = @id AND (wallet_paid_by IS NULL OR wallet_paid_by = @w)
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM [[cart_quotes]] WHERE tenant_id = @t AND id = @id)
                """, r => (r.GetBoolean(0), r.GetBoolean(1)), ("t", TenantId), ("id", cartId), ("w", wallet)).ConfigureAwait(false);
            if (updated) return;
            if (!exists) throw new StorageNotFoundException("cart quote", cartId);
            throw new StorageConflictException($"cart quote '{cartId}' was already paid by another wallet.");
        }, cancellationToken);
    }

    public Task<bool> HasCartAccessAsync(string cartId, string wallet, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        Check.Text(wallet, "wallet");
        if (string.IsNullOrEmpty(wallet)) return Task.FromResult(false);
        return RunAsync(c => c.RowAsync(
            "SELECT EXISTS (SELECT 1 FROM [[cart_quotes]] WHERE tenant_id = @t AND id = @id AND wallet_paid_by = @w)",
            r => r.GetBoolean(0), ("t", TenantId), ("id", cartId), ("w", wallet)), cancellationToken);
    }

    public Task SaveCartQuotesAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken)
    {
        Check.Batch(quotes, "quotes");
        var prepared = quotes.Select((q, i) => Prepare.CartQuote(TenantId, q, Now, i)).ToArray();
        Check.Distinct(prepared, q => q.Id, "cart id");
        return prepared.Length == 0 ? Task.CompletedTask : SaveCartQuotesCoreAsync(prepared, batch: true, cancellationToken);
    }

    public Task<IReadOnlyList<CartQuote>> GetCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken)
    {
        Check.Batch(cartIds, "cart ids");
        for (var i = 0; i < cartIds.Count; i++) Check.Id(cartIds[i], "cart id", i);
        var ids = cartIds.Distinct(StringComparer.Ordinal).ToArray();
        return RunAsync<IReadOnlyList<CartQuote>>(async c =>
        {
            var rows = await c.ListAsync($"SELECT {CartQuoteColumns} FROM [[cart_quotes]] WHERE tenant_id = @t AND id = ANY(@ids)",
                ReadCartQuote, ("t", TenantId), ("ids", ids)).ConfigureAwait(false);
            var byId = rows.ToDictionary(q => q.Id, StringComparer.Ordinal);
            return ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList().AsReadOnly();
        }, cancellationToken);
    }

    /// <summary>Upserts prepared quotes in one statement; a paid quote is immutable (its row is not returned, and the
    /// whole call is rolled back with Conflict).</summary>
    private Task SaveCartQuotesCoreAsync(CartQuote[] quotes, bool batch, CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            var saved = await c.ListAsync("""
                INSERT INTO [[cart_quotes]] AS q (id, tenant_id, items, total_amount, total_asset, metadata, created_at, expires_at, wallet_paid_by)
                SELECT u.id, @t, u.items::jsonb, u.total_amount, u.total_asset, u.metadata::jsonb, u.created_at, u.expires_at, u.wallet_paid_by
                  FROM unnest(@ids::text[], @items::text[], @totals::bigint[], @assets::text[], @metas::text[],
                              @created::timestamptz[], @expires::timestamptz[], @paid::text[])
                       AS u(id, items, total_amount, total_asset, metadata, created_at, expires_at, wallet_paid_by)
                ON CONFLICT (tenant_id, id) DO UPDATE SET
                    items = EXCLUDED.items, total_amount = EXCLUDED.total_amount, total_asset = EXCLUDED.total_asset,
                    metadata = EXCLUDED.metadata, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
                    wallet_paid_by = EXCLUDED.wallet_paid_by
                 WHERE q.wallet_paid_by IS NULL
                RETURNING q.id
                """, r => r.GetString(0),
                ("t", TenantId),
                ("ids", quotes.Select(q => q.Id).ToArray()),
                ("items", quotes.Select(q => StorageJson.Serialize(q.Items)).ToArray()),
                ("totals", quotes.Select(q => q.TotalAmount).ToArray()),
                ("assets", quotes.Select(q => q.TotalAsset).ToArray()),
                ("metas", quotes.Select(q => StorageJson.Serialize(q.Metadata)).ToArray()),
                ("created", quotes.Select(q => q.CreatedAt).ToArray()),
                ("expires", quotes.Select(q => q.ExpiresAt).ToArray()),
                ("paid", quotes.Select(q => q.WalletPaidBy).ToArray())).ConfigureAwait(false);
            if (saved.Count == quotes.Length) return;
            var done = saved.ToHashSet(StringComparer.Ordinal);
            var index = Array.FindIndex(quotes, q => !done.Contains(q.Id));
            throw new StorageConflictException($"{ItemPrefix(batch ? index : null)}cart quote '{quotes[index].Id}' is paid and can no longer change.");
        }, cancellationToken, atomic: batch);
}
