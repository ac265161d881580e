namespace Cedros.Storage;

/// <summary>Refund quotes (contract §2).</summary>
public interface IRefundQuoteStore
{
    /// <summary>Upserts every field. Saving over a processed refund → Conflict.</summary>
    Task SaveRefundQuoteAsync(RefundQuote quote, CancellationToken cancellationToken = default);

    /// <summary>The refund, or null (no expiry filter).</summary>
    Task<RefundQuote?> GetRefundQuoteAsync(string refundId, CancellationToken cancellationToken = default);

    /// <summary>The most recently created refund for the purchase (ties: highest id), or null.</summary>
    Task<RefundQuote?> GetRefundQuoteByOriginalPurchaseIdAsync(string originalPurchaseId, CancellationToken cancellationToken = default);

    /// <summary>Every refund for the purchase, newest first.</summary>
    Task<IReadOnlyList<RefundQuote>> ListRefundsForPurchaseAsync(string originalPurchaseId, CancellationToken cancellationToken = default);

    /// <summary>Pending refunds, oldest first (created_at, id).</summary>
    Task<IReadOnlyList<RefundQuote>> ListPendingRefundsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the payout of a pending/approved, unexpired refund for <paramref name="leaseTtl"/>. Returns a claim token,
    /// or null when the refund is not payable or another live claim holds it. Exactly one concurrent caller wins.
    /// </summary>
    Task<string?> TryBeginRefundPayoutAsync(string refundId, string processedBy, TimeSpan leaseTtl, CancellationToken cancellationToken = default);

    /// <summary>Gives a payout claim up (the transfer failed). Returns false when the token no longer holds the claim.</summary>
    Task<bool> ReleaseRefundPayoutAsync(string refundId, string claimToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the payout: status processed, processed_by, processed_at = now, signature; clears any claim.
    /// Missing → NotFound; processed or denied → Conflict. Expiry does not block it.
    /// </summary>
    Task MarkRefundProcessedAsync(string refundId, string processedBy, string signature, CancellationToken cancellationToken = default);

    /// <summary>Deletes a refund. Missing → NotFound; processed → Conflict.</summary>
    Task DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken = default);

    /// <summary>Atomic batch upsert.</summary>
    Task SaveRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken = default);
}
