using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    private const string RefundQuoteColumns = "tenant_id, id, original_purchase_id, recipient_wallet, amount, amount_asset, token, " +
        "token_mint, token_decimals, status, processed_by, processed_at, signature, reason, metadata, created_at, expires_at";

    private static RefundQuote ReadRefundQuote(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Id = r.Str(1),
        OriginalPurchaseId = r.Str(2),
        RecipientWallet = r.Str(3),
        Amount = r.Long(4),
        AmountAsset = r.Str(5),
        Token = r.StrOrNull(6),
        TokenMint = r.StrOrNull(7),
        TokenDecimals = (short)r.Int(8),
        Status = r.Enum<RefundStatus>(9),
        ProcessedBy = r.StrOrNull(10),
        ProcessedAt = r.TimeOrNull(11),
        Signature = r.StrOrNull(12),
        Reason = r.StrOrNull(13),
        Metadata = r.Metadata(14),
        CreatedAt = r.Time(15),
        ExpiresAt = r.Time(16),
    };

    /// <summary>Upsert that leaves a processed refund untouched (0 changes = Conflict).</summary>
    private string UpsertRefundQuoteSql => $"""
        INSERT INTO {Tables.RefundQuotes.Quoted} ({RefundQuoteColumns})
        VALUES (@tenant, @id, @original_purchase_id, @recipient_wallet, @amount, @amount_asset, @token, @token_mint, @token_decimals,
                @status, @processed_by, @processed_at, @signature, @reason, @metadata, @created_at, @expires_at)
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            original_purchase_id = excluded.original_purchase_id, recipient_wallet = excluded.recipient_wallet,
            amount = excluded.amount, amount_asset = excluded.amount_asset, token = excluded.token, token_mint = excluded.token_mint,
            token_decimals = excluded.token_decimals, status = excluded.status, processed_by = excluded.processed_by,
            processed_at = excluded.processed_at, signature = excluded.signature, reason = excluded.reason,
            metadata = excluded.metadata, created_at = excluded.created_at, expires_at = excluded.expires_at
        WHERE status <> 'processed'
        """;

    private (string, object?)[] RefundQuoteArgs(RefundQuote q) =>
    [
        Tenant, ("@id", q.Id), ("@original_purchase_id", q.OriginalPurchaseId), ("@recipient_wallet", q.RecipientWallet),
        ("@amount", q.Amount), ("@amount_asset", q.AmountAsset), ("@token", q.Token), ("@token_mint", q.TokenMint),
        ("@token_decimals", (long)q.TokenDecimals), ("@status", Text(q.Status)), ("@processed_by", q.ProcessedBy),
        ("@processed_at", q.ProcessedAt), ("@signature", q.Signature), ("@reason", q.Reason), ("@metadata", Json(q.Metadata)),
        ("@created_at", q.CreatedAt), ("@expires_at", q.ExpiresAt),
    ];

    public Task SaveRefundQuoteAsync(RefundQuote quote, CancellationToken cancellationToken)
    {
        var prepared = Prepare.RefundQuote(TenantId, quote, Now);
        return WriteAsync(s =>
        {
            if (s.Execute(UpsertRefundQuoteSql, RefundQuoteArgs(prepared)) == 0)
                throw new StorageConflictException($"refund quote '{prepared.Id}' was processed and can no longer change.");
        }, cancellationToken);
    }

    public Task<RefundQuote?> GetRefundQuoteAsync(string refundId, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        return ReadAsync(s => s.One($"SELECT {RefundQuoteColumns} FROM {Tables.RefundQuotes.Quoted} WHERE tenant_id = @tenant AND id = @id",
            ReadRefundQuote, Tenant, ("@id", refundId)), cancellationToken);
    }

    public Task<RefundQuote?> GetRefundQuoteByOriginalPurchaseIdAsync(string originalPurchaseId, CancellationToken cancellationToken)
    {
        Check.Id(originalPurchaseId, "original_purchase_id");
        return ReadAsync(s => s.One($"""
            SELECT {RefundQuoteColumns} FROM {Tables.RefundQuotes.Quoted}
            WHERE tenant_id = @tenant AND original_purchase_id = @purchase
            ORDER BY created_at DESC, id DESC LIMIT 1
            """, ReadRefundQuote, Tenant, ("@purchase", originalPurchaseId)), cancellationToken);
    }

    public Task<IReadOnlyList<RefundQuote>> ListRefundsForPurchaseAsync(string originalPurchaseId, CancellationToken cancellationToken)
    {
        Check.Id(originalPurchaseId, "original_purchase_id");
        return ReadAsync<IReadOnlyList<RefundQuote>>(s => s.List($"""
            SELECT {RefundQuoteColumns} FROM {Tables.RefundQuotes.Quoted}
            WHERE tenant_id = @tenant AND original_purchase_id = @purchase
            ORDER BY created_at DESC, id DESC
            """, ReadRefundQuote, Tenant, ("@purchase", originalPurchaseId)), cancellationToken);
    }

    public Task<IReadOnlyList<RefundQuote>> ListPendingRefundsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RefundQuote>>(s => s.List($"""
            SELECT {RefundQuoteColumns} FROM {Tables.RefundQuotes.Quoted}
            WHERE tenant_id = @tenant AND status = 'pending'
            ORDER BY created_at, id
            """, ReadRefundQuote, Tenant), cancellationToken);

    public Task<string?> TryBeginRefundPayoutAsync(string refundId, string processedBy, TimeSpan leaseTtl, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        Check.Required(processedBy, "processed_by");
        Check.Lease(leaseTtl, "lease_ttl");
        var token = Ids.NewToken();
        return WriteAsync<string?>(s =>
        {
            var now = Now;
            var claimed = s.Execute($"""
                UPDATE {Tables.RefundQuotes.Quoted} SET payout_claim_token = @token, payout_claim_until = @until
                WHERE tenant_id = @tenant AND id = @id AND status IN ('pending', 'approved') AND expires_at > @now
                  AND (payout_claim_token IS NULL OR payout_claim_until <= @now)
                """, Tenant, ("@id", refundId), ("@token", token), ("@until", StorageTime.Micro(now + leaseTtl)), ("@now", now));
            if (claimed == 1) return token;
            if (!s.Exists($"SELECT 1 FROM {Tables.RefundQuotes.Quoted} WHERE tenant_id = @tenant AND id = @id", Tenant, ("@id", refundId)))
                throw new StorageNotFoundException("refund quote", refundId);
            return null;
        }, cancellationToken);
    }

    public Task<bool> ReleaseRefundPayoutAsync(string refundId, string claimToken, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        Check.Id(claimToken, "claim token");
        return WriteAsync(s => s.Execute($"""
            UPDATE {Tables.RefundQuotes.Quoted} SET payout_claim_token = NULL, payout_claim_until = NULL
            WHERE tenant_id = @tenant AND id = @id AND payout_claim_token = @token
            """, Tenant, ("@id", refundId), ("@token", claimToken)) == 1, cancellationToken);
    }

    public Task MarkRefundProcessedAsync(string refundId, string processedBy, string signature, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        Check.Required(processedBy, "processed_by");
        Check.Required(signature, "signature");
        return WriteAsync(s =>
        {
            var updated = s.Execute($"""
                UPDATE {Tables.RefundQuotes.Quoted}
                SET status = 'processed', processed_by = @by, processed_at = @now, signature = @signature,
                    payout_claim_token = NULL, payout_claim_until = NULL
                WHERE tenant_id = @tenant AND id = @id AND status NOT IN ('processed', 'denied')
                """, Tenant, ("@id", refundId), ("@by", processedBy), ("@now", Now), ("@signature", signature));
            if (updated == 1) return;
            var status = s.One($"SELECT status FROM {Tables.RefundQuotes.Quoted} WHERE tenant_id = @tenant AND id = @id",
                r => r.GetString(0), Tenant, ("@id", refundId));
            if (status is null) throw new StorageNotFoundException("refund quote", refundId);
            throw new StorageConflictException($"refund quote '{refundId}' is {status} and cannot be processed.");
        }, cancellationToken);
    }

    public Task DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        return WriteAsync(s =>
        {
            var deleted = s.Execute($"""
                DELETE FROM {Tables.RefundQuotes.Quoted} WHERE tenant_id = @tenant AND id = @id AND status <> 'processed'
                """, Tenant, ("@id", refundId));
            if (deleted == 1) return;
            if (!s.Exists($"SELECT 1 FROM {Tables.RefundQuotes.Quoted} WHERE tenant_id = @tenant AND id = @id", Tenant, ("@id", refundId)))
                throw new StorageNotFoundException("refund quote", refundId);
            throw new StorageConflictException($"refund quote '{refundId}' was processed and stays as the audit trail.");
        }, cancellationToken);
    }

    public Task SaveRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken)
    {
        Check.Batch(quotes, "quotes");
        var prepared = quotes.Select((q, i) => Prepare.RefundQuote(TenantId, q, Now, i)).ToArray();
        Check.Distinct(prepared, q => q.Id, "refund id");
        return WriteAsync(s =>
        {
            var changes = s.ForEach(UpsertRefundQuoteSql, prepared, RefundQuoteArgs);
            var processed = Array.IndexOf(changes, 0);
            if (processed >= 0)
                throw new StorageConflictException($"item {processed}: refund quote '{prepared[processed].Id}' was processed and can no longer change.");
        }, cancellationToken);
    }
}
