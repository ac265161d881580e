namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task SaveRefundQuoteAsync(RefundQuote quote, CancellationToken cancellationToken = default) =>
        Call("SaveRefundQuote", "refund_quotes", ct => Driver.SaveRefundQuoteAsync(quote, ct), cancellationToken);

    public Task<RefundQuote?> GetRefundQuoteAsync(string refundId, CancellationToken cancellationToken = default) =>
        Call("GetRefundQuote", "refund_quotes", ct => Driver.GetRefundQuoteAsync(refundId, ct), cancellationToken);

    public Task<RefundQuote?> GetRefundQuoteByOriginalPurchaseIdAsync(string originalPurchaseId, CancellationToken cancellationToken = default) =>
        Call("GetRefundQuoteByOriginalPurchaseId", "refund_quotes", ct => Driver.GetRefundQuoteByOriginalPurchaseIdAsync(originalPurchaseId, ct), cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> ListRefundsForPurchaseAsync(string originalPurchaseId, CancellationToken cancellationToken = default) =>
        Call("ListRefundsForPurchase", "refund_quotes", ct => Driver.ListRefundsForPurchaseAsync(originalPurchaseId, ct), cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> ListPendingRefundsAsync(CancellationToken cancellationToken = default) =>
        Call("ListPendingRefunds", "refund_quotes", ct => Driver.ListPendingRefundsAsync(ct), cancellationToken);

    public Task<string?> TryBeginRefundPayoutAsync(string refundId, string processedBy, TimeSpan leaseTtl, CancellationToken cancellationToken = default) =>
        Call("TryBeginRefundPayout", "refund_quotes", ct => Driver.TryBeginRefundPayoutAsync(refundId, processedBy, leaseTtl, ct), cancellationToken);

    public Task<bool> ReleaseRefundPayoutAsync(string refundId, string claimToken, CancellationToken cancellationToken = default) =>
        Call("ReleaseRefundPayout", "refund_quotes", ct => Driver.ReleaseRefundPayoutAsync(refundId, claimToken, ct), cancellationToken);

    public Task MarkRefundProcessedAsync(string refundId, string processedBy, string signature, CancellationToken cancellationToken = default) =>
        Call("MarkRefundProcessed", "refund_quotes", ct => Driver.MarkRefundProcessedAsync(refundId, processedBy, signature, ct), cancellationToken);

    public Task DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken = default) =>
        Call("DeleteRefundQuote", "refund_quotes", ct => Driver.DeleteRefundQuoteAsync(refundId, ct), cancellationToken);

    public Task SaveRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken = default) =>
        Call("SaveRefundQuotes", "refund_quotes", ct => Driver.SaveRefundQuotesAsync(quotes, ct), cancellationToken);
}
