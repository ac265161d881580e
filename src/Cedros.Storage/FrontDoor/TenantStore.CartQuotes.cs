namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task SaveCartQuoteAsync(CartQuote quote, CancellationToken cancellationToken = default) =>
        Call("SaveCartQuote", "cart_quotes", ct => Driver.SaveCartQuoteAsync(quote, ct), cancellationToken);

    public Task<CartQuote?> GetCartQuoteAsync(string cartId, CancellationToken cancellationToken = default) =>
        Call("GetCartQuote", "cart_quotes", ct => Driver.GetCartQuoteAsync(cartId, ct), cancellationToken);

    public Task MarkCartPaidAsync(string cartId, string wallet, CancellationToken cancellationToken = default) =>
        Call("MarkCartPaid", "cart_quotes", ct => Driver.MarkCartPaidAsync(cartId, wallet, ct), cancellationToken);

    public Task<bool> HasCartAccessAsync(string cartId, string wallet, CancellationToken cancellationToken = default) =>
        Call("HasCartAccess", "cart_quotes", ct => Driver.HasCartAccessAsync(cartId, wallet, ct), cancellationToken);

    public Task SaveCartQuotesAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken = default) =>
        Call("SaveCartQuotes", "cart_quotes", ct => Driver.SaveCartQuotesAsync(quotes, ct), cancellationToken);

    public Task<IReadOnlyList<CartQuote>> GetCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken = default) =>
        Call("GetCartQuotes", "cart_quotes", ct => Driver.GetCartQuotesAsync(cartIds, ct), cancellationToken);
}
