using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task SaveCartQuoteAsync(CartQuote quote, CancellationToken cancellationToken = default) =>
        Call("SaveCartQuote", "cart_quotes", async ct =>
        {
            var prepared = Prepare.CartQuote(TenantId, quote, Now);
            if (!await Driver.UpsertCartQuoteUnlessPaidAsync(prepared, ct).ConfigureAwait(false)) throw Conflicts.CartQuotePaid(prepared.Id);
        }, cancellationToken);

    public Task<CartQuote?> GetCartQuoteAsync(string cartId, CancellationToken cancellationToken = default) =>
        Call("GetCartQuote", "cart_quotes",
            ct => Driver.FindCartQuoteAsync(Check.Id(cartId, "cart id"), ct), cancellationToken);

    public Task MarkCartPaidAsync(string cartId, string wallet, CancellationToken cancellationToken = default) =>
        Call("MarkCartPaid", "cart_quotes", async ct =>
        {
            Check.Id(cartId, "cart id");
            Check.Required(wallet, "wallet");
            var outcome = await Driver.SetCartPaidByAsync(cartId, wallet, ct).ConfigureAwait(false);
            if (!outcome.Found) throw new StorageNotFoundException("cart quote", cartId);
            // The same wallet again is a no-op.
            if (!outcome.PaidByWallet) throw Conflicts.CartPaidByAnotherWallet(cartId);
        }, cancellationToken);

    public Task<bool> HasCartAccessAsync(string cartId, string wallet, CancellationToken cancellationToken = default) =>
        Call("HasCartAccess", "cart_quotes", async ct =>
        {
            Check.Id(cartId, "cart id");
            Check.Text(wallet, "wallet");
            return !string.IsNullOrEmpty(wallet) && await Driver.CartPaidByAsync(cartId, wallet, ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task SaveCartQuotesAsync(IReadOnlyList<CartQuote> quotes, CancellationToken cancellationToken = default) =>
        Call("SaveCartQuotes", "cart_quotes", async ct =>
        {
            Check.Batch(quotes, "quotes");
            var now = Now;
            var prepared = quotes.Select((q, i) => Prepare.CartQuote(TenantId, q, now, i)).ToArray();
            Check.Distinct(prepared, q => q.Id, "cart id");
            if (prepared.Length == 0) return;
            var paid = await Driver.UpsertCartQuoteBatchUnlessPaidAsync(prepared, ct).ConfigureAwait(false);
            if (paid >= 0) throw Conflicts.CartQuotePaid(prepared[paid].Id, paid);
        }, cancellationToken);

    public Task<IReadOnlyList<CartQuote>> GetCartQuotesAsync(IReadOnlyList<string> cartIds, CancellationToken cancellationToken = default) =>
        Call("GetCartQuotes", "cart_quotes", async ct =>
        {
            Check.Batch(cartIds, "cart ids");
            for (var i = 0; i < cartIds.Count; i++) Check.Id(cartIds[i], "cart id", i);
            var ids = cartIds.Distinct(StringComparer.Ordinal).ToArray();
            var found = (await Driver.FindCartQuotesAsync(ids, ct).ConfigureAwait(false)).ToDictionary(q => q.Id, StringComparer.Ordinal);
            // Input order, each id once, missing ones skipped.
            return (IReadOnlyList<CartQuote>)ids.Where(found.ContainsKey).Select(id => found[id]).ToList().AsReadOnly();
        }, cancellationToken);
}
