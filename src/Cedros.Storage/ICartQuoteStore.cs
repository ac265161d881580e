namespace Cedros.Storage;

/// <summary>Cart quotes (contract §1).</summary>
public interface ICartQuoteStore
{
    /// <summary>Upserts by id, replacing every field. Saving over a paid cart → Conflict.</summary>
    Task SaveCartQuoteAsync(CartQuote quote, CancellationToken cancellationToken = default);

    /// <summary>The quote, expired or not, or null.</summary>
    Task<CartQuote?> GetCartQuoteAsync(string cartId, CancellationToken cancellationToken = default);

    /// <summary>Sets <c>WalletPaidBy</c> atomically. Missing → NotFound; same wallet again → no-op; another wallet → Conflict.</summary>
    Task MarkCartPaidAsync(string cartId, string wallet, CancellationToken cancellationToken = default);

    /// <summary>True only when the cart exists and was paid by exactly <paramref name="wallet"/>.</summary>
    Task<bool> HasCartAccessAsync(string cartId, string wallet, CancellationToken cancellationToken = default);

    /// <summary>Atomic batch upsert; duplicate ids in the batch → Validation; nothing written on any failure.</summary>
    Task SaveCartQuotesAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken = default);

    /// <summary>The quotes that exist, in input order; missing ones skipped.</summary>
    Task<IReadOnlyList<CartQuote>> GetCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken = default);
}
