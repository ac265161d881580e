using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

/// <summary>Products of one tenant. Reads see active products only; a soft-deleted product keeps its id.</summary>
internal sealed class InMemoryProductRepository(InMemoryStore store) : IProductDriver
{
    private readonly InMemoryStore _store = store;

    public Task<Product?> SelectActiveProductAsync(string id, CancellationToken cancellationToken) =>
        _store.RunAsync(t => t.Products.TryGetValue(_store.Key(id), out var p) && p.Active ? p : null, cancellationToken);

    public Task<Product?> SelectActiveProductByStripePriceAsync(string stripePriceId, CancellationToken cancellationToken) =>
        _store.RunAsync(t => ActiveProducts(t)
            .FirstOrDefault(p => string.Equals(p.StripePriceId, stripePriceId, StringComparison.Ordinal)), cancellationToken);

    public Task<IReadOnlyList<Product>> SelectActiveProductsAsync(CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<Product>>(t => ActiveProducts(t).ToArray(), cancellationToken);

    public Task<bool> InsertProductAsync(Product product, CancellationToken cancellationToken) =>
        _store.RunAsync(t =>
        {
            if (t.Products.ContainsKey(_store.Key(product.Id))) return false;
            t.Products = t.Products.Add(_store.Key(product.Id), product);
            return true;
        }, cancellationToken);

    public Task<bool> ReplaceProductAsync(Product product, CancellationToken cancellationToken) =>
        _store.RunAsync(t =>
        {
            if (!t.Products.TryGetValue(_store.Key(product.Id), out var existing)) return false;
            t.Products = t.Products.SetItem(_store.Key(product.Id), product with { CreatedAt = existing.CreatedAt });
            return true;
        }, cancellationToken);

    public Task<bool> DeactivateProductAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.RunAsync(t =>
        {
            if (!t.Products.TryGetValue(_store.Key(id), out var existing)) return false;
            if (existing.Active) t.Products = t.Products.SetItem(_store.Key(id), existing with { Active = false, UpdatedAt = now });
            return true;
        }, cancellationToken);

    /// <summary>This tenant's active products ordered by id (ordinal).</summary>
    private IEnumerable<Product> ActiveProducts(InMemoryTables t) => t.Products
        .Where(p => p.Key.Tenant == _store.TenantId && p.Value.Active)
        .Select(p => p.Value)
        .OrderBy(p => p.Id, Utf8Order.Instance);
}
