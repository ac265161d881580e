using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task SaveCartQuoteAsync(CartQuote quote, CancellationToken cancellationToken)
    {
        var prepared = Prepare.CartQuote(TenantId, quote, Now);
        return RunAsync(t => PutCartQuote(t, prepared, item: null), cancellationToken);
    }

    public Task<CartQuote?> GetCartQuoteAsync(string cartId, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        return RunAsync(t => t.CartQuotes.GetValueOrDefault(Key(cartId)), cancellationToken);
    }

    public Task MarkCartPaidAsync(string cartId, string wallet, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        Check.Required(wallet, "wallet");
        return RunAsync(t =>
        {
            if (!t.CartQuotes.TryGetValue(Key(cartId), out var quote)) throw new StorageNotFoundException("cart quote", cartId);
            if (quote.WalletPaidBy is { } paidBy)
            {
                if (string.Equals(paidBy, wallet, StringComparison.Ordinal)) return;
                throw new StorageConflictException($"cart quote '{cartId}' was already paid by another wallet.");
            }
            t.CartQuotes = t.CartQuotes.SetItem(Key(cartId), quote with { WalletPaidBy = wallet });
        }, cancellationToken);
    }

    public Task<bool> HasCartAccessAsync(string cartId, string wallet, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        Check.Text(wallet, "wallet");
        if (string.IsNullOrEmpty(wallet)) return Task.FromResult(false);
        return RunAsync(t => t.CartQuotes.TryGetValue(Key(cartId), out var quote)
            && string.Equals(quote.WalletPaidBy, wallet, StringComparison.Ordinal), cancellationToken);
    }

    public Task SaveCartQuotesAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken)
    {
        Check.Batch(quotes, "quotes");
        var prepared = quotes.Select((q, i) => Prepare.CartQuote(TenantId, q, Now, i)).ToArray();
        Check.Distinct(prepared, q => q.Id, "cart id");
        return RunAsync(t =>
        {
            for (var i = 0; i < prepared.Length; i++) PutCartQuote(t, prepared[i], i);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CartQuote>> GetCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken)
    {
        Check.Batch(cartIds, "cart ids");
        for (var i = 0; i < cartIds.Count; i++) Check.Id(cartIds[i], "cart id", i);
        return RunAsync<IReadOnlyList<CartQuote>>(t =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var found = new List<CartQuote>(cartIds.Count);
            foreach (var id in cartIds)
                if (seen.Add(id) && t.CartQuotes.TryGetValue(Key(id), out var quote)) found.Add(quote);
            return found.AsReadOnly();
        }, cancellationToken);
    }

    /// <summary>Upserts one prepared quote; a paid quote is immutable.</summary>
    private void PutCartQuote(InMemoryTables t, CartQuote quote, int? item)
    {
        if (t.CartQuotes.TryGetValue(Key(quote.Id), out var existing) && existing.WalletPaidBy is not null)
            throw new StorageConflictException($"{(item is { } i ? $"item {i}: " : "")}cart quote '{quote.Id}' is paid and can no longer change.");
        t.CartQuotes = t.CartQuotes.SetItem(Key(quote.Id), quote);
    }
}
