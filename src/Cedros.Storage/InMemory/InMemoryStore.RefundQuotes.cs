using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task SaveRefundQuoteAsync(RefundQuote quote, CancellationToken cancellationToken)
    {
        var prepared = Prepare.RefundQuote(TenantId, quote, Now);
        return RunAsync(t => PutRefundQuote(t, prepared, item: null), cancellationToken);
    }

    public Task<RefundQuote?> GetRefundQuoteAsync(string refundId, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        return RunAsync(t => t.RefundQuotes.GetValueOrDefault(Key(refundId)), cancellationToken);
    }

    public async Task<RefundQuote?> GetRefundQuoteByOriginalPurchaseIdAsync(string originalPurchaseId, CancellationToken cancellationToken)
    {
        var all = await ListRefundsForPurchaseAsync(originalPurchaseId, cancellationToken).ConfigureAwait(false);
        return all.Count == 0 ? null : all[0];
    }

    public Task<IReadOnlyList<RefundQuote>> ListRefundsForPurchaseAsync(string originalPurchaseId, CancellationToken cancellationToken)
    {
        Check.Id(originalPurchaseId, "original_purchase_id");
        return RunAsync<IReadOnlyList<RefundQuote>>(t => t.RefundQuotes.Values
            .Where(r => r.TenantId == TenantId && string.Equals(r.OriginalPurchaseId, originalPurchaseId, StringComparison.Ordinal))
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, Utf8Order.Instance)
            .ToArray(), cancellationToken);
    }

    public Task<IReadOnlyList<RefundQuote>> ListPendingRefundsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<RefundQuote>>(t => t.RefundQuotes.Values
            .Where(r => r.TenantId == TenantId && r.Status == RefundStatus.Pending)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, Utf8Order.Instance)
            .ToArray(), cancellationToken);

    public Task<string?> TryBeginRefundPayoutAsync(string refundId, string processedBy, TimeSpan leaseTtl, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        Check.Required(processedBy, "processed_by");
        Check.Lease(leaseTtl, "lease_ttl");
        return RunAsync<string?>(t =>
        {
            var now = Now;
            if (!t.RefundQuotes.TryGetValue(Key(refundId), out var refund)) throw new StorageNotFoundException("refund quote", refundId);
            if (refund.Status is not (RefundStatus.Pending or RefundStatus.Approved) || refund.IsExpired(now)) return null;
            if (t.RefundClaims.TryGetValue(Key(refundId), out var claim) && now < claim.Until) return null;
            var token = Ids.NewToken();
            t.RefundClaims = t.RefundClaims.SetItem(Key(refundId), (token, StorageTime.Micro(now + leaseTtl)));
            return token;
        }, cancellationToken);
    }

    public Task<bool> ReleaseRefundPayoutAsync(string refundId, string claimToken, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        Check.Id(claimToken, "claim token");
        return RunAsync(t =>
        {
            if (!t.RefundClaims.TryGetValue(Key(refundId), out var claim)
                || !string.Equals(claim.Token, claimToken, StringComparison.Ordinal)) return false;
            t.RefundClaims = t.RefundClaims.Remove(Key(refundId));
            return true;
        }, cancellationToken);
    }

    public Task MarkRefundProcessedAsync(string refundId, string processedBy, string signature, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        Check.Required(processedBy, "processed_by");
        Check.Required(signature, "signature");
        return RunAsync(t =>
        {
            if (!t.RefundQuotes.TryGetValue(Key(refundId), out var refund)) throw new StorageNotFoundException("refund quote", refundId);
            if (refund.Status is RefundStatus.Processed or RefundStatus.Denied)
                throw new StorageConflictException($"refund quote '{refundId}' is {EnumText<RefundStatus>.ToText(refund.Status)} and cannot be processed.");
            t.RefundQuotes = t.RefundQuotes.SetItem(Key(refundId), refund with
            {
                Status = RefundStatus.Processed,
                ProcessedBy = processedBy,
                ProcessedAt = Now,
                Signature = signature,
            });
            t.RefundClaims = t.RefundClaims.Remove(Key(refundId));
        }, cancellationToken);
    }

    public Task DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken)
    {
        Check.Id(refundId, "refund id");
        return RunAsync(t =>
        {
            if (!t.RefundQuotes.TryGetValue(Key(refundId), out var refund)) throw new StorageNotFoundException("refund quote", refundId);
            if (refund.Status == RefundStatus.Processed)
                throw new StorageConflictException($"refund quote '{refundId}' was processed and stays as the audit trail.");
            t.RefundQuotes = t.RefundQuotes.Remove(Key(refundId));
            t.RefundClaims = t.RefundClaims.Remove(Key(refundId));
        }, cancellationToken);
    }

    public Task SaveRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken)
    {
        Check.Batch(quotes, "quotes");
        var prepared = quotes.Select((q, i) => Prepare.RefundQuote(TenantId, q, Now, i)).ToArray();
        Check.Distinct(prepared, q => q.Id, "refund id");
        return RunAsync(t =>
        {
            for (var i = 0; i < prepared.Length; i++) PutRefundQuote(t, prepared[i], i);
        }, cancellationToken);
    }

    /// <summary>Upserts one prepared refund; a processed refund is immutable. A live payout claim is kept.</summary>
    private void PutRefundQuote(InMemoryTables t, RefundQuote quote, int? item)
    {
        if (t.RefundQuotes.TryGetValue(Key(quote.Id), out var existing) && existing.Status == RefundStatus.Processed)
            throw new StorageConflictException($"{(item is { } i ? $"item {i}: " : "")}refund quote '{quote.Id}' was processed and can no longer change.");
        t.RefundQuotes = t.RefundQuotes.SetItem(Key(quote.Id), quote);
    }
}
