using Cedros.Storage.FrontDoor.Drivers;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IRefundQuoteDriver
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
    private string UpsertRefundQuoteSql => Sql($"""
        INSERT INTO [[refund_quotes]] ({RefundQuoteColumns})
        VALUES (@tenant, @id, @original_purchase_id, @recipient_wallet, @amount, @amount_asset, @token, @token_mint, @token_decimals,
                @status, @processed_by, @processed_at, @signature, @reason, @metadata, @created_at, @expires_at)
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            original_purchase_id = excluded.original_purchase_id, recipient_wallet = excluded.recipient_wallet,
            amount = excluded.amount, amount_asset = excluded.amount_asset, token = excluded.token, token_mint = excluded.token_mint,
            token_decimals = excluded.token_decimals, status = excluded.status, processed_by = excluded.processed_by,
            processed_at = excluded.processed_at, signature = excluded.signature, reason = excluded.reason,
            metadata = excluded.metadata, created_at = excluded.created_at, expires_at = excluded.expires_at
        WHERE status <> 'processed'
        """);

    private (string, object?)[] RefundQuoteArgs(RefundQuote q) =>
    [
        Tenant, ("@id", q.Id), ("@original_purchase_id", q.OriginalPurchaseId), ("@recipient_wallet", q.RecipientWallet),
        ("@amount", q.Amount), ("@amount_asset", q.AmountAsset), ("@token", q.Token), ("@token_mint", q.TokenMint),
        ("@token_decimals", (long)q.TokenDecimals), ("@status", Text(q.Status)), ("@processed_by", q.ProcessedBy),
        ("@processed_at", q.ProcessedAt), ("@signature", q.Signature), ("@reason", q.Reason), ("@metadata", Json(q.Metadata)),
        ("@created_at", q.CreatedAt), ("@expires_at", q.ExpiresAt),
    ];

    /// <summary>One write transaction; a processed quote rolls the whole call back.</summary>
    public async Task<int> UpsertRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(s =>
            {
                var processed = Array.IndexOf(s.ForEach(UpsertRefundQuoteSql, quotes, RefundQuoteArgs), 0);
                return processed < 0 ? -1 : throw new Undo<int>(processed);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Undo<int> undo)
        {
            return undo.Outcome;
        }
    }

    public Task<RefundQuote?> SelectRefundQuoteAsync(string refundId, CancellationToken cancellationToken) =>
        ReadAsync(s => s.One(Sql($"SELECT {RefundQuoteColumns} FROM [[refund_quotes]] WHERE tenant_id = @tenant AND id = @id"),
            ReadRefundQuote, Tenant, ("@id", refundId)), cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> SelectRefundQuotesForPurchaseAsync(string originalPurchaseId, int? limit,
        CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RefundQuote>>(s => s.List(Sql($"""
            SELECT {RefundQuoteColumns} FROM [[refund_quotes]]
            WHERE tenant_id = @tenant AND original_purchase_id = @purchase
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """), ReadRefundQuote, Tenant, ("@purchase", originalPurchaseId), ("@limit", (long)(limit ?? -1))), cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> SelectPendingRefundQuotesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RefundQuote>>(s => s.List(Sql($"""
            SELECT {RefundQuoteColumns} FROM [[refund_quotes]]
            WHERE tenant_id = @tenant AND status = 'pending'
            ORDER BY created_at, id
            """), ReadRefundQuote, Tenant), cancellationToken);

    /// <summary>One conditional UPDATE claims; only when it changes nothing is the row looked up, in the same write
    /// transaction.</summary>
    public Task<PayoutClaim> ClaimRefundPayoutAsync(string refundId, string token, string processedBy, DateTimeOffset until,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var claimed = s.Execute(Sql("""
                UPDATE [[refund_quotes]] SET payout_claim_token = @token, payout_claim_until = @until
                WHERE tenant_id = @tenant AND id = @id AND status IN ('pending', 'approved') AND expires_at > @now
                  AND (payout_claim_token IS NULL OR payout_claim_until <= @now)
                """), Tenant, ("@id", refundId), ("@token", token), ("@until", until), ("@now", now));
            if (claimed == 1) return PayoutClaim.Claimed;
            return s.Exists(Sql("SELECT 1 FROM [[refund_quotes]] WHERE tenant_id = @tenant AND id = @id"), Tenant, ("@id", refundId))
                ? PayoutClaim.NotClaimable : PayoutClaim.Missing;
        }, cancellationToken);

    public Task<bool> ReleaseRefundPayoutAsync(string refundId, string token, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql("""
            UPDATE [[refund_quotes]] SET payout_claim_token = NULL, payout_claim_until = NULL
            WHERE tenant_id = @tenant AND id = @id AND payout_claim_token = @token
            """), Tenant, ("@id", refundId), ("@token", token)) == 1, cancellationToken);

    public Task<RefundStatusUpdate> MarkRefundProcessedAsync(string refundId, string processedBy, string signature, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var updated = s.Execute(Sql("""
                UPDATE [[refund_quotes]]
                SET status = 'processed', processed_by = @by, processed_at = @now, signature = @signature,
                    payout_claim_token = NULL, payout_claim_until = NULL
                WHERE tenant_id = @tenant AND id = @id AND status NOT IN ('processed', 'denied')
                """), Tenant, ("@id", refundId), ("@by", processedBy), ("@now", now), ("@signature", signature));
            if (updated == 1) return new RefundStatusUpdate(true, null);
            return new RefundStatusUpdate(false, s.One(Sql("SELECT status FROM [[refund_quotes]] WHERE tenant_id = @tenant AND id = @id"),
                r => r.GetString(0), Tenant, ("@id", refundId)));
        }, cancellationToken);

    public Task<RefundDeletion> DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var deleted = s.Execute(Sql("DELETE FROM [[refund_quotes]] WHERE tenant_id = @tenant AND id = @id AND status <> 'processed'"),
                Tenant, ("@id", refundId));
            if (deleted == 1) return RefundDeletion.Deleted;
            return s.Exists(Sql("SELECT 1 FROM [[refund_quotes]] WHERE tenant_id = @tenant AND id = @id"), Tenant, ("@id", refundId))
                ? RefundDeletion.Processed : RefundDeletion.Missing;
        }, cancellationToken);
}
