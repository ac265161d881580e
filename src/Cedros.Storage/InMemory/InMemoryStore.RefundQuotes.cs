using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IRefundQuoteDriver
{
    /// <summary>A live payout claim is kept (claims live in their own table).</summary>
    public Task<int> UpsertRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            for (var i = 0; i < quotes.Count; i++)
                if (t.RefundQuotes.TryGetValue(Key(quotes[i].Id), out var existing) && existing.Status == RefundStatus.Processed) return i;
            t.RefundQuotes = t.RefundQuotes.SetItems(quotes.Select(q => KeyValuePair.Create(Key(q.Id), q)));
            return -1;
        }, cancellationToken);

    public Task<RefundQuote?> SelectRefundQuoteAsync(string refundId, CancellationToken cancellationToken) =>
        RunAsync(t => t.RefundQuotes.GetValueOrDefault(Key(refundId)), cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> SelectRefundQuotesForPurchaseAsync(string originalPurchaseId, int? limit,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<RefundQuote>>(t => t.RefundQuotes.Values
            .Where(r => r.TenantId == TenantId && string.Equals(r.OriginalPurchaseId, originalPurchaseId, StringComparison.Ordinal))
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, Utf8Order.Instance)
            .Take(limit ?? int.MaxValue)
            .ToArray(), cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> SelectPendingRefundQuotesAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<RefundQuote>>(t => t.RefundQuotes.Values
            .Where(r => r.TenantId == TenantId && r.Status == RefundStatus.Pending)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, Utf8Order.Instance)
            .ToArray(), cancellationToken);

    public Task<PayoutClaim> ClaimRefundPayoutAsync(string refundId, string token, string processedBy, DateTimeOffset until,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (!t.RefundQuotes.TryGetValue(Key(refundId), out var refund)) return PayoutClaim.Missing;
            if (refund.Status is not (RefundStatus.Pending or RefundStatus.Approved) || refund.IsExpired(now)) return PayoutClaim.NotClaimable;
            if (t.RefundClaims.TryGetValue(Key(refundId), out var claim) && now < claim.Until) return PayoutClaim.NotClaimable;
            t.RefundClaims = t.RefundClaims.SetItem(Key(refundId), (token, until));
            return PayoutClaim.Claimed;
        }, cancellationToken);

    public Task<bool> ReleaseRefundPayoutAsync(string refundId, string token, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (!t.RefundClaims.TryGetValue(Key(refundId), out var claim)
                || !string.Equals(claim.Token, token, StringComparison.Ordinal)) return false;
            t.RefundClaims = t.RefundClaims.Remove(Key(refundId));
            return true;
        }, cancellationToken);

    public Task<RefundStatusUpdate> MarkRefundProcessedAsync(string refundId, string processedBy, string signature, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (!t.RefundQuotes.TryGetValue(Key(refundId), out var refund)) return new RefundStatusUpdate(false, null);
            if (refund.Status is RefundStatus.Processed or RefundStatus.Denied)
                return new RefundStatusUpdate(false, EnumText<RefundStatus>.ToText(refund.Status));
            t.RefundQuotes = t.RefundQuotes.SetItem(Key(refundId), refund with
            {
                Status = RefundStatus.Processed,
                ProcessedBy = processedBy,
                ProcessedAt = now,
                Signature = signature,
            });
            t.RefundClaims = t.RefundClaims.Remove(Key(refundId));
            return new RefundStatusUpdate(true, null);
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
