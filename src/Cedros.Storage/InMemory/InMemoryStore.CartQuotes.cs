using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : ICartQuoteDriver
{
    public Task<bool> UpsertCartQuoteUnlessPaidAsync(CartQuote quote, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (IsPaidCart(t, quote.Id)) return false;
            t.CartQuotes = t.CartQuotes.SetItem(Key(quote.Id), quote);
            return true;
        }, cancellationToken);

    public Task<int> UpsertCartQuoteBatchUnlessPaidAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            for (var i = 0; i < quotes.Count; i++)
                if (IsPaidCart(t, quotes[i].Id)) return i;
            t.CartQuotes = t.CartQuotes.SetItems(quotes.Select(q => KeyValuePair.Create(Key(q.Id), q)));
            return -1;
        }, cancellationToken);

    public Task<CartQuote?> FindCartQuoteAsync(string cartId, CancellationToken cancellationToken) =>
        RunAsync(t => t.CartQuotes.GetValueOrDefault(Key(cartId)), cancellationToken);

    public Task<IReadOnlyList<CartQuote>> FindCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<CartQuote>>(t =>
            cartIds.Select(id => t.CartQuotes.GetValueOrDefault(Key(id))).OfType<CartQuote>().ToArray(), cancellationToken);

    public Task<CartPayment> SetCartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (!t.CartQuotes.TryGetValue(Key(cartId), out var quote)) return new CartPayment(false, false);
            if (quote.WalletPaidBy is { } paidBy) return new CartPayment(true, string.Equals(paidBy, wallet, StringComparison.Ordinal));
            t.CartQuotes = t.CartQuotes.SetItem(Key(cartId), quote with { WalletPaidBy = wallet });
            return new CartPayment(true, true);
        }, cancellationToken);

    public Task<bool> CartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken) =>
        RunAsync(t => t.CartQuotes.TryGetValue(Key(cartId), out var quote)
            && string.Equals(quote.WalletPaidBy, wallet, StringComparison.Ordinal), cancellationToken);

    private bool IsPaidCart(InMemoryTables t, string cartId) =>
        t.CartQuotes.TryGetValue(Key(cartId), out var existing) && existing.WalletPaidBy is not null;
}
