using Cedros.Storage.Validation;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore
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
    private string UpsertCartQuoteSql => $"""
        INSERT INTO {Tables.CartQuotes.Quoted} ({CartQuoteColumns})
        VALUES (@tenant, @id, @items, @total_amount, @total_asset, @metadata, @created_at, @expires_at, @wallet_paid_by)
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            items = excluded.items, total_amount = excluded.total_amount, total_asset = excluded.total_asset,
            metadata = excluded.metadata, created_at = excluded.created_at, expires_at = excluded.expires_at,
            wallet_paid_by = excluded.wallet_paid_by
        WHERE wallet_paid_by IS NULL
        """;

    private (string, object?)[] CartQuoteArgs(CartQuote q) =>
    [
        Tenant, ("@id", q.Id), ("@items", Json(q.Items)), ("@total_amount", q.TotalAmount), ("@total_asset", q.TotalAsset),
        ("@metadata", Json(q.Metadata)), ("@created_at", q.CreatedAt), ("@expires_at", q.ExpiresAt), ("@wallet_paid_by", q.WalletPaidBy),
    ];

    public Task SaveCartQuoteAsync(CartQuote quote, CancellationToken cancellationToken)
    {
        var prepared = Prepare.CartQuote(TenantId, quote, Now);
        return WriteAsync(s =>
        {
            if (s.Execute(UpsertCartQuoteSql, CartQuoteArgs(prepared)) == 0)
                throw new StorageConflictException($"cart quote '{prepared.Id}' is paid and can no longer change.");
        }, cancellationToken);
    }

    public Task<CartQuote?> GetCartQuoteAsync(string cartId, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        return ReadAsync(s => s.One($"SELECT {CartQuoteColumns} FROM {Tables.CartQuotes.Quoted} WHERE tenant_id = @tenant AND id = @id",
            ReadCartQuote, Tenant, ("@id", cartId)), cancellationToken);
    }

    public Task MarkCartPaidAsync(string cartId, string wallet, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        Check.Required(wallet, "wallet");
        return WriteAsync(s =>
        {
            var paid = s.Execute($"""
                UPDATE {Tables.CartQuotes.Quoted} SET wallet_paid_by = @wallet
                WHERE tenant_id = @tenant AND id = @id AND wallet_paid_by IS NULL
                """, Tenant, ("@id", cartId), ("@wallet", wallet));
            if (paid == 1) return;
            var current = s.One($"SELECT coalesce(wallet_paid_by, '') FROM {Tables.CartQuotes.Quoted} WHERE tenant_id = @tenant AND id = @id",
                r => r.GetString(0), Tenant, ("@id", cartId));
            if (current is null) throw new StorageNotFoundException("cart quote", cartId);
            if (!string.Equals(current, wallet, StringComparison.Ordinal))
                throw new StorageConflictException($"cart quote '{cartId}' was already paid by another wallet.");
        }, cancellationToken);
    }

    public Task<bool> HasCartAccessAsync(string cartId, string wallet, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        Check.Text(wallet, "wallet");
        if (string.IsNullOrEmpty(wallet)) return Task.FromResult(false);
        return ReadAsync(s => s.Exists($"""
            SELECT 1 FROM {Tables.CartQuotes.Quoted} WHERE tenant_id = @tenant AND id = @id AND wallet_paid_by = @wallet
            """, Tenant, ("@id", cartId), ("@wallet", wallet)), cancellationToken);
    }

    public Task SaveCartQuotesAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken)
    {
        Check.Batch(quotes, "quotes");
        var prepared = quotes.Select((q, i) => Prepare.CartQuote(TenantId, q, Now, i)).ToArray();
        Check.Distinct(prepared, q => q.Id, "cart id");
        return WriteAsync(s =>
        {
            var changes = s.ForEach(UpsertCartQuoteSql, prepared, CartQuoteArgs);
            var paid = Array.IndexOf(changes, 0);
            if (paid >= 0) throw new StorageConflictException($"item {paid}: cart quote '{prepared[paid].Id}' is paid and can no longer change.");
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CartQuote>> GetCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken)
    {
        Check.Batch(cartIds, "cart ids");
        for (var i = 0; i < cartIds.Count; i++) Check.Id(cartIds[i], "cart id", i);
        return ReadAsync<IReadOnlyList<CartQuote>>(s =>
        {
            var found = s.List($"""
                SELECT {CartQuoteColumns} FROM {Tables.CartQuotes.Quoted}
                WHERE tenant_id = @tenant AND id IN (SELECT value FROM json_each(@ids))
                """, ReadCartQuote, Tenant, ("@ids", Json(cartIds))).ToDictionary(q => q.Id, StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            return cartIds.Where(id => seen.Add(id) && found.ContainsKey(id)).Select(id => found[id]).ToArray();
        }, cancellationToken);
    }
}
