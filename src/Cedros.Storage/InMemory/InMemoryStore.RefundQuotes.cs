namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task SaveRefundQuoteAsync(RefundQuote quote, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<RefundQuote?> GetRefundQuoteAsync(string refundId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<RefundQuote?> GetRefundQuoteByOriginalPurchaseIdAsync(string originalPurchaseId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<RefundQuote>> ListRefundsForPurchaseAsync(string originalPurchaseId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<RefundQuote>> ListPendingRefundsAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<string?> TryBeginRefundPayoutAsync(string refundId, string processedBy, TimeSpan leaseTtl, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<bool> ReleaseRefundPayoutAsync(string refundId, string claimToken, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task MarkRefundProcessedAsync(string refundId, string processedBy, string signature, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task SaveRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken) => throw new NotImplementedException();
}
