using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>Products of one tenant (contract §10).</summary>
internal sealed class PostgresProductRepository(PostgresStore store) : IProductDriver
{
    private const string ProductColumns = "id, tenant_id, description, fiat_amount, fiat_currency, stripe_price_id, crypto_amount, crypto_token, " +
        "crypto_account, memo_template, metadata, active, subscription_config, created_at, updated_at";

    private readonly PostgresStore _store = store;

    private static Product ReadProduct(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        TenantId = r.GetString(1),
        Description = PgRow.Str(r, 2),
        FiatAmount = PgRow.OptLong(r, 3),
        FiatCurrency = PgRow.OptStr(r, 4),
        StripePriceId = PgRow.OptStr(r, 5),
        CryptoAmount = PgRow.OptLong(r, 6),
        CryptoToken = PgRow.OptStr(r, 7),
        CryptoAccount = PgRow.OptStr(r, 8),
        MemoTemplate = PgRow.OptStr(r, 9),
        Metadata = PgRow.Meta(r, 10),
        Active = PgRow.Bool(r, 11),
        SubscriptionConfig = StorageJson.Deserialize<ProductSubscriptionConfig?>(PgRow.OptStr(r, 12) is "null" ? null : PgRow.OptStr(r, 12), null),
        CreatedAt = PgRow.Time(r, 13),
        UpdatedAt = PgRow.Time(r, 14),
    };

    public Task<Product?> SelectActiveProductAsync(string id, CancellationToken cancellationToken) =>
        _store.RunAsync(c => c.OneAsync($"SELECT {ProductColumns} FROM [[products]] WHERE tenant_id = @t AND id = @id AND active",
            ReadProduct, ("t", _store.TenantId), ("id", id)), cancellationToken);

    public Task<Product?> SelectActiveProductByStripePriceAsync(string stripePriceId, CancellationToken cancellationToken) =>
        _store.RunAsync(c => c.OneAsync($"""
            SELECT {ProductColumns} FROM [[products]] WHERE tenant_id = @t AND stripe_price_id = @p AND active ORDER BY id COLLATE "C" LIMIT 1
            """, ReadProduct, ("t", _store.TenantId), ("p", stripePriceId)), cancellationToken);

    public Task<IReadOnlyList<Product>> SelectActiveProductsAsync(CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<Product>>(async c => await c.ListAsync(
            $"SELECT {ProductColumns} FROM [[products]] WHERE tenant_id = @t AND active ORDER BY id COLLATE \"C\"",
            ReadProduct, ("t", _store.TenantId)).ConfigureAwait(false), cancellationToken);

    public Task<bool> InsertProductAsync(Product p, CancellationToken cancellationToken) =>
        _store.RunAsync(async c => await c.ExecuteAsync("""
            INSERT INTO [[products]] (id, tenant_id, description, fiat_amount, fiat_currency, stripe_price_id, crypto_amount, crypto_token,
                crypto_account, memo_template, metadata, active, subscription_config, created_at, updated_at)
            VALUES (@id, @t, @description, @fiat, @fiat_currency, @price, @crypto, @token, @account, @memo, @meta, @active, @config,
                @created, @updated)
            ON CONFLICT (tenant_id, id) DO NOTHING
            """, Args(p)).ConfigureAwait(false) == 1, cancellationToken);

    public Task<bool> ReplaceProductAsync(Product p, CancellationToken cancellationToken) =>
        _store.RunAsync(async c => await c.ExecuteAsync("""
            UPDATE [[products]] SET description = @description, fiat_amount = @fiat, fiat_currency = @fiat_currency,
                   stripe_price_id = @price, crypto_amount = @crypto, crypto_token = @token, crypto_account = @account,
                   memo_template = @memo, metadata = @meta, active = @active, subscription_config = @config, updated_at = @updated
             WHERE tenant_id = @t AND id = @id
            """, Args(p)).ConfigureAwait(false) == 1, cancellationToken);

    public Task<bool> DeactivateProductAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.RunAsync(c => c.RowAsync("""
            WITH u AS (UPDATE [[products]] SET active = false, updated_at = @now WHERE tenant_id = @t AND id = @id AND active IS DISTINCT FROM false RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM u) OR EXISTS (SELECT 1 FROM [[products]] WHERE tenant_id = @t AND id = @id)
            """, r => r.GetBoolean(0), ("t", _store.TenantId), ("id", id), ("now", now)), cancellationToken);

    private (string, object?)[] Args(Product p) =>
    [
        ("id", p.Id), ("t", _store.TenantId), ("description", p.Description), ("fiat", p.FiatAmount), ("fiat_currency", p.FiatCurrency),
        ("price", p.StripePriceId), ("crypto", p.CryptoAmount), ("token", p.CryptoToken), ("account", p.CryptoAccount),
        ("memo", p.MemoTemplate), ("meta", PgRow.Json(p.Metadata)), ("active", p.Active), ("config", PgRow.Json(p.SubscriptionConfig)),
        ("created", p.CreatedAt), ("updated", p.UpdatedAt),
    ];
}
