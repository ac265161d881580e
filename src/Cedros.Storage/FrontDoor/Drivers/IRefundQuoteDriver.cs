namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>Refund quotes and their payout claim, database side (contract §3). Values arrive prepared (checked,
/// normalised, tenant stamped).</summary>
internal interface IRefundQuoteDriver
{
    /// <summary>Upserts every quote in one atomic step, keeping a live payout claim; a processed quote never changes.
    /// Returns -1 when all were saved, else the index of the first processed one (and nothing was saved).</summary>
    Task<int> UpsertRefundQuotesAsync(IReadOnlyList<RefundQuote> quotes, CancellationToken cancellationToken);

    Task<RefundQuote?> SelectRefundQuoteAsync(string refundId, CancellationToken cancellationToken);

    /// <summary>The quotes of one purchase, newest first (created_at, then id, descending); at most
    /// <paramref name="limit"/> (null: all).</summary>
    Task<IReadOnlyList<RefundQuote>> SelectRefundQuotesForPurchaseAsync(string originalPurchaseId, int? limit, CancellationToken cancellationToken);

    /// <summary>The pending quotes, oldest first (created_at, then id).</summary>
    Task<IReadOnlyList<RefundQuote>> SelectPendingRefundQuotesAsync(CancellationToken cancellationToken);

    /// <summary>In one conditional step, claims the payout with <paramref name="token"/> until <paramref name="until"/>
    /// when the quote is pending or approved, unexpired at <paramref name="now"/> and unclaimed (or its claim lapsed).</summary>
    Task<PayoutClaim> ClaimRefundPayoutAsync(string refundId, string token, string processedBy, DateTimeOffset until, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>Drops the claim when <paramref name="token"/> still holds it; false otherwise.</summary>
    Task<bool> ReleaseRefundPayoutAsync(string refundId, string token, CancellationToken cancellationToken);

    /// <summary>In one conditional step, marks the quote processed (and drops any claim) unless it is processed or
    /// denied; when nothing changed, reports its status as stored (null: no such quote).</summary>
    Task<RefundStatusUpdate> MarkRefundProcessedAsync(string refundId, string processedBy, string signature, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>In one conditional step, deletes the quote unless it is processed.</summary>
    Task<RefundDeletion> DeleteRefundQuoteAsync(string refundId, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IRefundQuoteDriver.ClaimRefundPayoutAsync"/>.</summary>
internal enum PayoutClaim
{
    Claimed,
    NotClaimable,
    Missing,
}

/// <summary>The outcome of <see cref="IRefundQuoteDriver.DeleteRefundQuoteAsync"/>.</summary>
internal enum RefundDeletion
{
    Deleted,
    Processed,
    Missing,
}

/// <summary>The outcome of <see cref="IRefundQuoteDriver.MarkRefundProcessedAsync"/>: updated, or the status as stored
/// (<see cref="Status"/> null: no such quote).</summary>
internal readonly record struct RefundStatusUpdate(bool Updated, string? Status);
