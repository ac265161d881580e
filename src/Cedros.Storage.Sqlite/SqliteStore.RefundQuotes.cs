using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IRefundQuoteDriver
{
    /// <summary>Upsert that leaves a processed refund untouched (0 changes = Conflict).</summary>
    private static readonly string UpsertRefundQuote = $"""
        INSERT INTO [[refund_quotes]] ({RefundQuoteRow.Columns}) VALUES ({RefundQuoteRow.Values})
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            original_purchase_id = excluded.original_purchase_id, recipient_wallet = excluded.recipient_wallet,
            amount = excluded.amount, amount_asset = excluded.amount_asset, token = excluded.token, token_mint = excluded.token_mint,
            token_decimals = excluded.token_decimals, status = excluded.status, processed_by = excluded.processed_by,
            processed_at = excluded.processed_at, signature = excluded.signature, reason = excluded.reason,
            metadata = excluded.metadata, created_at = excluded.created_at, expires_at = excluded.expires_at
        WHERE status <> 'processed'
        """;

    /// <summary>One write transaction; a processed quote rolls the whole call back.</summary>
    public async Task<int> UpsertRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(s =>
            {
                var processed = Array.IndexOf(s.ForEach(Sql(UpsertRefundQuote), quotes, q => RefundQuoteRow.Args(q, TenantId, Codec)), 0);
                return processed < 0 ? -1 : throw new Undo<int>(processed);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Undo<int> undo)
        {
            return undo.Outcome;
        }
    }

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
