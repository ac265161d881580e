using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task SaveRefundQuoteAsync(RefundQuote quote, CancellationToken cancellationToken = default) =>
        Call("SaveRefundQuote", "refund_quotes", ct => UpsertRefundQuotesAsync([Prepare.RefundQuote(TenantId, quote, Now)], batch: false, ct),
            cancellationToken);

    public Task SaveRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken = default) =>
        Call("SaveRefundQuotes", "refund_quotes", ct =>
        {
            Check.Batch(quotes, "quotes");
            var prepared = quotes.Select((q, i) => Prepare.RefundQuote(TenantId, q, Now, i)).ToArray();
            Check.Distinct(prepared, q => q.Id, "refund id");
            return prepared.Length == 0 ? Task.CompletedTask : UpsertRefundQuotesAsync(prepared, batch: true, ct);
        }, cancellationToken);

    /// <summary>A processed refund is immutable: Conflict, and nothing of the call is written.</summary>
    private async Task UpsertRefundQuotesAsync(RefundQuote[] quotes, bool batch, CancellationToken cancellationToken)
    {
        var processed = await Driver.UpsertRefundQuotesAsync(quotes, cancellationToken).ConfigureAwait(false);
        if (processed >= 0)
            throw new StorageConflictException(
                $"{(batch ? $"item {processed}: " : "")}refund quote '{quotes[processed].Id}' was processed and can no longer change.");
    }

    public Task<RefundQuote?> GetRefundQuoteAsync(string refundId, CancellationToken cancellationToken = default) =>
        Call("GetRefundQuote", "refund_quotes", ct =>
        {
            Check.Id(refundId, "refund id");
            return Driver.SelectRefundQuoteAsync(refundId, ct);
        }, cancellationToken);

    public Task<RefundQuote?> GetRefundQuoteByOriginalPurchaseIdAsync(string originalPurchaseId, CancellationToken cancellationToken = default) =>
        Call("GetRefundQuoteByOriginalPurchaseId", "refund_quotes", async ct =>
        {
            Check.Id(originalPurchaseId, "original_purchase_id");
            var newest = await Driver.SelectRefundQuotesForPurchaseAsync(originalPurchaseId, 1, ct).ConfigureAwait(false);
            return newest.Count == 0 ? null : newest[0];
        }, cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> ListRefundsForPurchaseAsync(string originalPurchaseId, CancellationToken cancellationToken = default) =>
        Call("ListRefundsForPurchase", "refund_quotes", ct =>
        {
            Check.Id(originalPurchaseId, "original_purchase_id");
            return Driver.SelectRefundQuotesForPurchaseAsync(originalPurchaseId, null, ct);
        }, cancellationToken);

    public Task<IReadOnlyList<RefundQuote>> ListPendingRefundsAsync(CancellationToken cancellationToken = default) =>
        Call("ListPendingRefunds", "refund_quotes", ct => Driver.SelectPendingRefundQuotesAsync(ct), cancellationToken);

    public Task<string?> TryBeginRefundPayoutAsync(string refundId, string processedBy, TimeSpan leaseTtl, CancellationToken cancellationToken = default) =>
        Call("TryBeginRefundPayout", "refund_quotes", async ct =>
        {
            Check.Id(refundId, "refund id");
            Check.Required(processedBy, "processed_by");
            Check.Lease(leaseTtl, "lease_ttl");
            var token = Ids.NewToken();
            var now = Now;
            return await Driver.ClaimRefundPayoutAsync(refundId, token, processedBy, StorageTime.Micro(now + leaseTtl), now, ct)
                .ConfigureAwait(false) switch
            {
                PayoutClaim.Claimed => token,
                PayoutClaim.Missing => throw new StorageNotFoundException("refund quote", refundId),
                _ => null,
            };
        }, cancellationToken);

    public Task<bool> ReleaseRefundPayoutAsync(string refundId, string claimToken, CancellationToken cancellationToken = default) =>
        Call("ReleaseRefundPayout", "refund_quotes", ct =>
        {
            Check.Id(refundId, "refund id");
            Check.Id(claimToken, "claim token");
            return Driver.ReleaseRefundPayoutAsync(refundId, claimToken, ct);
        }, cancellationToken);

    public Task MarkRefundProcessedAsync(string refundId, string processedBy, string signature, CancellationToken cancellationToken = default) =>
        Call("MarkRefundProcessed", "refund_quotes", async ct =>
        {
            Check.Id(refundId, "refund id");
            Check.Required(processedBy, "processed_by");
            Check.Required(signature, "signature");
            var outcome = await Driver.MarkRefundProcessedAsync(refundId, processedBy, signature, Now, ct).ConfigureAwait(false);
            if (outcome.Updated) return;
            if (outcome.Status is not { } status) throw new StorageNotFoundException("refund quote", refundId);
            // A status that still allowed processing when the statement read it: a concurrent call processed it first.
            throw new StorageConflictException(
                $"refund quote '{refundId}' is {(status is "pending" or "approved" ? "processed" : status)} and cannot be processed.");
        }, cancellationToken);

    public Task DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken = default) =>
        Call("DeleteRefundQuote", "refund_quotes", async ct =>
        {
            Check.Id(refundId, "refund id");
            switch (await Driver.DeleteRefundQuoteAsync(refundId, ct).ConfigureAwait(false))
            {
                case RefundDeletion.Missing: throw new StorageNotFoundException("refund quote", refundId);
                case RefundDeletion.Processed:
                    throw new StorageConflictException($"refund quote '{refundId}' was processed and stays as the audit trail.");
            }
        }, cancellationToken);
}
