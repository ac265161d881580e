using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Sql;
using Cedros.Storage.Internal;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IRefundQuoteDriver
{
    /// <summary>One statement: the conditional claim, and whether the quote exists.</summary>
    public Task<PayoutClaim> ClaimRefundPayoutAsync(string refundId, string token, string processedBy, DateTimeOffset until,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            var (claimed, exists) = await c.RowAsync("""
                WITH u AS (
                    UPDATE [[refund_quotes]]
                       SET payout_claim_token = @token, payout_claimed_until = @until, payout_claimed_by = @by
                     WHERE tenant_id = @t AND id = @id AND status IN ('pending', 'approved') AND expires_at > (SELECT @now)
                       AND (payout_claimed_until IS NULL OR payout_claimed_until <= @now)
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM [[refund_quotes]] WHERE tenant_id = @t AND id = @id)
                """, r => (r.GetBoolean(0), r.GetBoolean(1)),
                ("t", TenantId), ("id", refundId), ("token", token), ("until", until), ("by", processedBy), ("now", now)).ConfigureAwait(false);
            return claimed ? PayoutClaim.Claimed : exists ? PayoutClaim.NotClaimable : PayoutClaim.Missing;
        }, cancellationToken);

    public Task<bool> ReleaseRefundPayoutAsync(string refundId, string token, CancellationToken cancellationToken) =>
        RunAsync(async c => await c.ExecuteAsync("""
            UPDATE [[refund_quotes]] SET payout_claim_token = NULL, payout_claimed_until = NULL, payout_claimed_by = NULL
             WHERE tenant_id = @t AND id = @id AND payout_claim_token = @token
            """, ("t", TenantId), ("id", refundId), ("token", token)).ConfigureAwait(false) > 0, cancellationToken);

    /// <summary>One statement: the conditional UPDATE, and the status from the statement's snapshot.</summary>
    public Task<RefundStatusUpdate> MarkRefundProcessedAsync(string refundId, string processedBy, string signature, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        RunAsync(c => c.RowAsync("""
            WITH u AS (
                UPDATE [[refund_quotes]]
                   SET status = 'processed', processed_by = @by, processed_at = @now, signature = @sig,
                       payout_claim_token = NULL, payout_claimed_until = NULL, payout_claimed_by = NULL
                 WHERE tenant_id = @t AND id = @id AND COALESCE(status, 'pending') NOT IN ('processed', 'denied')
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM u), (SELECT COALESCE(status, 'pending') FROM [[refund_quotes]] WHERE tenant_id = @t AND id = @id)
            """, r => new RefundStatusUpdate(r.GetBoolean(0), SqlCodec.OptStr(r, 1)),
            ("t", TenantId), ("id", refundId), ("by", processedBy), ("sig", signature), ("now", now)), cancellationToken);

    public Task<RefundDeletion> DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            var (deleted, exists) = await c.RowAsync("""
                WITH d AS (
                    DELETE FROM [[refund_quotes]] WHERE tenant_id = @t AND id = @id AND status IS DISTINCT FROM 'processed'
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM d), EXISTS (SELECT 1 FROM [[refund_quotes]] WHERE tenant_id = @t AND id = @id)
                """, r => (r.GetBoolean(0), r.GetBoolean(1)), ("t", TenantId), ("id", refundId)).ConfigureAwait(false);
            return deleted ? RefundDeletion.Deleted : exists ? RefundDeletion.Processed : RefundDeletion.Missing;
        }, cancellationToken);

    /// <summary>Upserts the quotes in one statement; a processed quote is left as it is and rolls the call back. A live
    /// payout claim is kept.</summary>
    public async Task<int> UpsertRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(async c =>
            {
                var saved = await c.ListAsync("""
                    INSERT INTO [[refund_quotes]] AS q (id, tenant_id, original_purchase_id, recipient_wallet, amount, amount_asset, token,
                        token_mint, token_decimals, status, processed_by, processed_at, signature, reason, metadata, created_at, expires_at)
                    SELECT u.id, @t, u.original_purchase_id, u.recipient_wallet, u.amount, u.amount_asset, u.token, u.token_mint,
                           u.token_decimals, u.status, u.processed_by, u.processed_at, u.signature, u.reason, u.metadata::jsonb,
                           u.created_at, u.expires_at
                      FROM unnest(@ids::text[], @purchases::text[], @wallets::text[], @amounts::bigint[], @assets::text[], @tokens::text[],
                                  @mints::text[], @decimals::smallint[], @statuses::text[], @processed_by::text[],
                                  @processed_at::timestamptz[], @signatures::text[], @reasons::text[], @metas::text[],
                                  @created::timestamptz[], @expires::timestamptz[])
                           AS u(id, original_purchase_id, recipient_wallet, amount, amount_asset, token, token_mint, token_decimals, status,
                                processed_by, processed_at, signature, reason, metadata, created_at, expires_at)
                    ON CONFLICT (tenant_id, id) DO UPDATE SET
                        original_purchase_id = EXCLUDED.original_purchase_id, recipient_wallet = EXCLUDED.recipient_wallet,
                        amount = EXCLUDED.amount, amount_asset = EXCLUDED.amount_asset, token = EXCLUDED.token,
                        token_mint = EXCLUDED.token_mint, token_decimals = EXCLUDED.token_decimals, status = EXCLUDED.status,
                        processed_by = EXCLUDED.processed_by, processed_at = EXCLUDED.processed_at, signature = EXCLUDED.signature,
                        reason = EXCLUDED.reason, metadata = EXCLUDED.metadata, created_at = EXCLUDED.created_at,
                        expires_at = EXCLUDED.expires_at
                     WHERE q.status IS DISTINCT FROM 'processed'
                    RETURNING q.id
                    """, r => r.GetString(0),
                    ("t", TenantId),
                    ("ids", quotes.Select(q => q.Id).ToArray()),
                    ("purchases", quotes.Select(q => q.OriginalPurchaseId).ToArray()),
                    ("wallets", quotes.Select(q => q.RecipientWallet).ToArray()),
                    ("amounts", quotes.Select(q => q.Amount).ToArray()),
                    ("assets", quotes.Select(q => q.AmountAsset).ToArray()),
                    ("tokens", quotes.Select(q => q.Token).ToArray()),
                    ("mints", quotes.Select(q => q.TokenMint).ToArray()),
                    ("decimals", quotes.Select(q => q.TokenDecimals).ToArray()),
                    ("statuses", quotes.Select(q => SqlCodec.Text(q.Status)).ToArray()),
                    ("processed_by", quotes.Select(q => q.ProcessedBy).ToArray()),
                    ("processed_at", quotes.Select(q => q.ProcessedAt).ToArray()),
                    ("signatures", quotes.Select(q => q.Signature).ToArray()),
                    ("reasons", quotes.Select(q => q.Reason).ToArray()),
                    ("metas", quotes.Select(q => StorageJson.Serialize(q.Metadata)).ToArray()),
                    ("created", quotes.Select(q => q.CreatedAt).ToArray()),
                    ("expires", quotes.Select(q => q.ExpiresAt).ToArray())).ConfigureAwait(false);
                if (saved.Count == quotes.Count) return -1;
                var done = saved.ToHashSet(StringComparer.Ordinal);
                throw new Undo<int>(Enumerable.Range(0, quotes.Count).First(i => !done.Contains(quotes[i].Id)));
            }, cancellationToken, atomic: quotes.Count > 1).ConfigureAwait(false);
        }
        catch (Undo<int> undo)
        {
            return undo.Outcome;
        }
    }
}
