using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : ICartQuoteDriver
{
    public Task<bool> UpsertCartQuoteUnlessPaidAsync(CartQuote quote, CancellationToken cancellationToken) =>
        RunAsync(t => Table.UpsertAllUnless(ref t.CartQuotes, [quote], q => Key(q.Id), q => q.WalletPaidBy is not null) < 0, cancellationToken);

    public Task<int> UpsertCartQuoteBatchUnlessPaidAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken) =>
        RunAsync(t => Table.UpsertAllUnless(ref t.CartQuotes, quotes, q => Key(q.Id), q => q.WalletPaidBy is not null), cancellationToken);

    public Task<CartQuote?> FindCartQuoteAsync(string cartId, CancellationToken cancellationToken) =>
        RunAsync(t => t.CartQuotes.GetValueOrDefault(Key(cartId)), cancellationToken);

    public Task<IReadOnlyList<CartQuote>> FindCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<CartQuote>>(t =>
            cartIds.Select(id => t.CartQuotes.GetValueOrDefault(Key(id))).OfType<CartQuote>().ToArray(), cancellationToken);

    public Task<CartPayment> SetCartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken) =>
        RunAsync(t => Table.ChangeIf(ref t.CartQuotes, Key(cartId), q => q.WalletPaidBy is null, q => q with { WalletPaidBy = wallet },
            new CartPayment(false, false), q => new CartPayment(true, string.Equals(q.WalletPaidBy, wallet, StringComparison.Ordinal)),
            _ => new CartPayment(true, true)), cancellationToken);

    public Task<bool> CartPaidByAsync(string cartId, string wallet, CancellationToken cancellationToken) =>
        RunAsync(t => t.CartQuotes.TryGetValue(Key(cartId), out var quote)
            && string.Equals(quote.WalletPaidBy, wallet, StringComparison.Ordinal), cancellationToken);
}
