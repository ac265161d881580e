using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IRefundQuoteDriver
{
    /// <summary>A live payout claim is kept (claims live in their own table).</summary>
    public Task<int> UpsertRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken) =>
        RunAsync(t => Table.UpsertAllUnless(ref t.RefundQuotes, quotes, q => Key(q.Id), q => q.Status == RefundStatus.Processed),
            cancellationToken);

    public Task<RefundQuote?> SelectRefundQuoteAsync(string refundId, CancellationToken cancellationToken) =>
        RunAsync(t => t.RefundQuotes.GetValueOrDefault(Key(refundId)), cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> SelectRefundQuotesForPurchaseAsync(string originalPurchaseId, int? limit,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<RefundQuote>>(t => Table.NewestFirst(t.RefundQuotes.Values
            .Where(r => r.TenantId == TenantId && string.Equals(r.OriginalPurchaseId, originalPurchaseId, StringComparison.Ordinal)),
            r => r.CreatedAt, r => r.Id, limit ?? int.MaxValue), cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> SelectPendingRefundQuotesAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<RefundQuote>>(t => Table.OldestFirst(t.RefundQuotes.Values
            .Where(r => r.TenantId == TenantId && r.Status == RefundStatus.Pending), r => r.CreatedAt, r => r.Id), cancellationToken);

    public Task<PayoutClaim> ClaimRefundPayoutAsync(string refundId, string token, string processedBy, DateTimeOffset until,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => !t.RefundQuotes.TryGetValue(Key(refundId), out var refund) ? PayoutClaim.Missing
            : refund.Status is (RefundStatus.Pending or RefundStatus.Approved) && !refund.IsExpired(now)
                && Table.UpsertAllUnless(ref t.RefundClaims, [(Token: token, Until: until)], _ => Key(refundId), claim => now < claim.Until) < 0
                ? PayoutClaim.Claimed : PayoutClaim.NotClaimable, cancellationToken);

    public Task<bool> ReleaseRefundPayoutAsync(string refundId, string token, CancellationToken cancellationToken) =>
        RunAsync(t => Table.RemoveIf(ref t.RefundClaims, Key(refundId), claim => string.Equals(claim.Token, token, StringComparison.Ordinal)),
            cancellationToken);

    public Task<RefundStatusUpdate> MarkRefundProcessedAsync(string refundId, string processedBy, string signature, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            var outcome = Table.ChangeIf(ref t.RefundQuotes, Key(refundId), r => r.Status is not (RefundStatus.Processed or RefundStatus.Denied),
                r => r with { Status = RefundStatus.Processed, ProcessedBy = processedBy, ProcessedAt = now, Signature = signature },
                new RefundStatusUpdate(false, null), r => new RefundStatusUpdate(false, EnumText<RefundStatus>.ToText(r.Status)),
                _ => new RefundStatusUpdate(true, null));
            if (outcome.Updated) t.RefundClaims = t.RefundClaims.Remove(Key(refundId));
            return outcome;
        }, cancellationToken);

    public Task<RefundDeletion> DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (!t.RefundQuotes.TryGetValue(Key(refundId), out var refund)) return RefundDeletion.Missing;
            if (refund.Status == RefundStatus.Processed) return RefundDeletion.Processed;
            t.RefundQuotes = t.RefundQuotes.Remove(Key(refundId));
            t.RefundClaims = t.RefundClaims.Remove(Key(refundId));
            return RefundDeletion.Deleted;
        }, cancellationToken);
}
