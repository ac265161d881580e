using Cedros.Storage.FrontDoor.Drivers;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

/// <summary>Products of one tenant (soft delete: active = 0).</summary>
internal sealed class SqliteProductRepository(SqliteStore store) : IProductDriver
{
    private const string Columns = "tenant_id, id, description, fiat_amount, fiat_currency, stripe_price_id, crypto_amount, crypto_token, " +
        "crypto_account, memo_template, metadata, active, subscription_config, created_at, updated_at";

    private readonly SqliteStore _store = store;

    private static Product ReadProduct(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Id = r.Str(1),
        Description = r.Str(2),
        FiatAmount = r.LongOrNull(3),
        FiatCurrency = r.StrOrNull(4),
        StripePriceId = r.StrOrNull(5),
        CryptoAmount = r.LongOrNull(6),
        CryptoToken = r.StrOrNull(7),
        CryptoAccount = r.StrOrNull(8),
        MemoTemplate = r.StrOrNull(9),
        Metadata = r.Metadata(10),
        Active = r.Bool(11),
        SubscriptionConfig = r.Json<ProductSubscriptionConfig?>(12, null),
        CreatedAt = r.Time(13),
        UpdatedAt = r.Time(14),
    };

    private (string, object?)[] Args(Product p) =>
    [
        _store.Tenant, ("@id", p.Id), ("@description", p.Description), ("@fiat_amount", p.FiatAmount), ("@fiat_currency", p.FiatCurrency),
        ("@stripe_price_id", p.StripePriceId), ("@crypto_amount", p.CryptoAmount), ("@crypto_token", p.CryptoToken),
        ("@crypto_account", p.CryptoAccount), ("@memo_template", p.MemoTemplate), ("@metadata", Json(p.Metadata)), ("@active", p.Active),
        ("@subscription_config", p.SubscriptionConfig is null ? null : Json(p.SubscriptionConfig)), ("@created_at", p.CreatedAt),
        ("@updated_at", p.UpdatedAt),
    ];

    public Task<Product?> SelectActiveProductAsync(string id, CancellationToken cancellationToken) =>
        _store.ReadAsync(s => s.One(_store.Sql($"SELECT {Columns} FROM [[products]] WHERE tenant_id = @tenant AND id = @id AND active = 1"),
            ReadProduct, _store.Tenant, ("@id", id)), cancellationToken);

    public Task<Product?> SelectActiveProductByStripePriceAsync(string stripePriceId, CancellationToken cancellationToken) =>
        _store.ReadAsync(s => s.One(_store.Sql($"""
            SELECT {Columns} FROM [[products]] WHERE tenant_id = @tenant AND stripe_price_id = @price AND active = 1 ORDER BY id LIMIT 1
            """), ReadProduct, _store.Tenant, ("@price", stripePriceId)), cancellationToken);

    public Task<IReadOnlyList<Product>> SelectActiveProductsAsync(CancellationToken cancellationToken) =>
        _store.ReadAsync<IReadOnlyList<Product>>(s => s.List(
            _store.Sql($"SELECT {Columns} FROM [[products]] WHERE tenant_id = @tenant AND active = 1 ORDER BY id"),
            ReadProduct, _store.Tenant), cancellationToken);

    public Task<bool> InsertProductAsync(Product p, CancellationToken cancellationToken) =>
        _store.WriteAsync(s => s.Execute(_store.Sql($"""
            INSERT INTO [[products]] ({Columns})
            VALUES (@tenant, @id, @description, @fiat_amount, @fiat_currency, @stripe_price_id, @crypto_amount, @crypto_token,
                    @crypto_account, @memo_template, @metadata, @active, @subscription_config, @created_at, @updated_at)
            ON CONFLICT DO NOTHING
            """), Args(p)) == 1, cancellationToken);

    public Task<bool> ReplaceProductAsync(Product p, CancellationToken cancellationToken) =>
        // created_at belongs to the stored row.
        _store.WriteAsync(s => s.Execute(_store.Sql("""
            UPDATE [[products]] SET description = @description, fiat_amount = @fiat_amount, fiat_currency = @fiat_currency,
                stripe_price_id = @stripe_price_id, crypto_amount = @crypto_amount, crypto_token = @crypto_token,
                crypto_account = @crypto_account, memo_template = @memo_template, metadata = @metadata, active = @active,
                subscription_config = @subscription_config, updated_at = @updated_at
            WHERE tenant_id = @tenant AND id = @id
            """), Args(p)) == 1, cancellationToken);

    public Task<bool> DeactivateProductAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.WriteAsync(s =>
            s.Execute(_store.Sql("UPDATE [[products]] SET active = 0, updated_at = @now WHERE tenant_id = @tenant AND id = @id AND active = 1"),
                _store.Tenant, ("@id", id), ("@now", now)) == 1
            || s.Exists(_store.Sql("SELECT 1 FROM [[products]] WHERE tenant_id = @tenant AND id = @id"), _store.Tenant, ("@id", id)),
            cancellationToken);
}
