using Cedros.Storage.Schema.Rows;

namespace Cedros.Storage.Sql;

internal abstract partial class SqlDriver
{
    public Task<RefundQuote?> SelectRefundQuoteAsync(string refundId, CancellationToken cancellationToken) =>
        OneAsync($"SELECT {RefundQuoteRow.Columns} FROM [[refund_quotes]] WHERE tenant_id = @tenant AND id = @id",
            Codec.Rows.RefundQuote, [Tenant, ("@id", refundId)], cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> SelectRefundQuotesForPurchaseAsync(string originalPurchaseId, int? limit,
        CancellationToken cancellationToken) =>
        ReadOnlyListAsync($"""
            SELECT {RefundQuoteRow.Columns} FROM [[refund_quotes]]
             WHERE tenant_id = @tenant AND original_purchase_id = @purchase
             ORDER BY created_at DESC, id COLLATE {C} DESC LIMIT @limit
            """, Codec.Rows.RefundQuote, [Tenant, ("@purchase", originalPurchaseId), ("@limit", Codec.Limit(limit))], cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> SelectPendingRefundQuotesAsync(CancellationToken cancellationToken) =>
        ReadOnlyListAsync($"""
            SELECT {RefundQuoteRow.Columns} FROM [[refund_quotes]] WHERE tenant_id = @tenant AND status = 'pending'
             ORDER BY created_at, id COLLATE {C}
            """, Codec.Rows.RefundQuote, [Tenant], cancellationToken);

    public Task<CartQuote?> FindCartQuoteAsync(string cartId, CancellationToken cancellationToken) =>
        OneAsync($"SELECT {CartQuoteRow.Columns} FROM [[cart_quotes]] WHERE tenant_id = @tenant AND id = @id",
            Codec.Rows.CartQuote, [Tenant, ("@id", cartId)], cancellationToken);

    public Task<bool> CartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken) =>
        ExistsAsync("SELECT 1 FROM [[cart_quotes]] WHERE tenant_id = @tenant AND id = @id AND wallet_paid_by = @wallet",
            [Tenant, ("@id", cartId), ("@wallet", wallet)], cancellationToken);

    public Task<StripeSession?> FindStripeSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        OneAsync($"SELECT {StripeSessionRow.Columns} FROM [[sessions]] WHERE tenant_id = @tenant AND id = @id",
            Codec.Rows.StripeSession, [Tenant, ("@id", sessionId)], cancellationToken);

    public Task<IReadOnlyList<StripeSession>> SelectStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit,
        CancellationToken cancellationToken) =>
        ReadOnlyListAsync($"""
            SELECT {StripeSessionRow.Columns} FROM [[sessions]]
             WHERE tenant_id = @tenant AND resource_id = @resource AND (@status IS NULL OR status = @status)
             ORDER BY created_at DESC, id COLLATE {C} DESC LIMIT @limit
            """, Codec.Rows.StripeSession,
            [Tenant, ("@resource", resourceId), ("@status", Codec.TextArg(status is { } s ? SqlCodec.Text(s) : null)), ("@limit", limit)],
            cancellationToken);

    public async Task<long> ExpirePendingStripeSessionsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        await ExecuteAsync("UPDATE [[sessions]] SET status = 'expired' WHERE tenant_id = @tenant AND status = 'pending' AND created_at < @cutoff",
            [Tenant, ("@cutoff", cutoff)], cancellationToken).ConfigureAwait(false);

    public Task<bool> InsertNonceAsync(AdminNonce nonce, CancellationToken cancellationToken) =>
        ExecuteOneAsync("""
            INSERT INTO [[admin_nonces]] (id, tenant_id, purpose, created_at, expires_at, consumed_at)
            VALUES (@id, @tenant, @purpose, @created_at, @expires_at, NULL)
            ON CONFLICT DO NOTHING
            """, [("@id", nonce.Id), Tenant, ("@purpose", nonce.Purpose), ("@created_at", nonce.CreatedAt), ("@expires_at", nonce.ExpiresAt)],
            cancellationToken);

    public Task DeleteIdempotencyRecordAsync(string key, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM [[idempotency_keys]] WHERE tenant_id = @tenant AND key = @key", [Tenant, ("@key", key)], cancellationToken);
}
