namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>Cart quotes, database side (contract §1). Quotes arrive prepared (a batch free of repeated ids), ids and
/// wallets checked.</summary>
internal interface ICartQuoteDriver
{
    /// <summary>Upserts the quote unless the stored one is paid, in one atomic step; false when it is (nothing changed).</summary>
    Task<bool> UpsertCartQuoteUnlessPaidAsync(CartQuote quote, CancellationToken cancellationToken);

    /// <summary>Upserts the whole batch or nothing, in one atomic step: returns the index of the first quote whose stored
    /// row is paid (nothing written), or -1 when every quote was written.</summary>
    Task<int> UpsertCartQuoteBatchUnlessPaidAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken);

    /// <summary>The quote, or null.</summary>
    Task<CartQuote?> FindCartQuoteAsync(string cartId, CancellationToken cancellationToken);

    /// <summary>The quotes with these (distinct) ids that exist, in any order.</summary>
    Task<IReadOnlyList<CartQuote>> FindCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken);

    /// <summary>In one atomic step, sets <c>wallet_paid_by</c> when it is unset; reports whether the cart exists and is
    /// now paid by <paramref name="wallet"/> (just now or before).</summary>
    Task<CartPayment> SetCartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken);

    /// <summary>True when the cart exists and was paid by exactly <paramref name="wallet"/>.</summary>
    Task<bool> CartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="ICartQuoteDriver.SetCartPaidByAsync"/>.</summary>
internal readonly record struct CartPayment(bool Found, bool PaidByWallet);
