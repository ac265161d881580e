namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task SaveCartQuoteAsync(CartQuote quote, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<CartQuote?> GetCartQuoteAsync(string cartId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task MarkCartPaidAsync(string cartId, string wallet, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<bool> HasCartAccessAsync(string cartId, string wallet, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task SaveCartQuotesAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<CartQuote>> GetCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken) => throw new NotImplementedException();
}
