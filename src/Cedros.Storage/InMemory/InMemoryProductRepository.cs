using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

/// <summary>Products of one tenant. Reads see active products only; a soft-deleted product keeps its id.</summary>
internal sealed class InMemoryProductRepository(InMemoryStore store) : IProductRepository
{
    private readonly InMemoryStore _store = store;

    public Task<Product?> GetProductAsync(string id, CancellationToken cancellationToken)
    {
        Check.Id(id, "product id");
        return _store.RunAsync(t => t.Products.TryGetValue(_store.Key(id), out var p) && p.Active ? p : null, cancellationToken);
    }

    public Task<Product?> GetProductByStripePriceIdAsync(string stripePriceId, CancellationToken cancellationToken)
    {
        Check.Id(stripePriceId, "stripe_price_id");
        return _store.RunAsync(t => ActiveProducts(t)
            .FirstOrDefault(p => string.Equals(p.StripePriceId, stripePriceId, StringComparison.Ordinal)), cancellationToken);
    }

    public Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<Product>>(t => ActiveProducts(t).ToArray(), cancellationToken);

    public Task CreateProductAsync(Product product, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Product(_store.TenantId, product, _store.Now);
        return _store.RunAsync(t =>
        {
            if (t.Products.ContainsKey(_store.Key(prepared.Id)))
                throw Conflicts.AlreadyExists("product", prepared.Id);
            t.Products = t.Products.Add(_store.Key(prepared.Id), prepared);
        }, cancellationToken);
    }

    public Task UpdateProductAsync(Product product, CancellationToken cancellationToken)
    {
        var now = _store.Now;
        var prepared = Prepare.Product(_store.TenantId, product, now);
        return _store.RunAsync(t =>
        {
            if (!t.Products.TryGetValue(_store.Key(prepared.Id), out var existing)) throw new StorageNotFoundException("product", prepared.Id);
            t.Products = t.Products.SetItem(_store.Key(prepared.Id), prepared with { CreatedAt = existing.CreatedAt, UpdatedAt = now });
        }, cancellationToken);
    }

    public Task DeleteProductAsync(string id, CancellationToken cancellationToken)
    {
        Check.Id(id, "product id");
        return _store.RunAsync(t =>
        {
            if (!t.Products.TryGetValue(_store.Key(id), out var existing)) throw new StorageNotFoundException("product", id);
            if (!existing.Active) return;
            t.Products = t.Products.SetItem(_store.Key(id), existing with { Active = false, UpdatedAt = _store.Now });
        }, cancellationToken);
    }

    /// <summary>This tenant's active products ordered by id (ordinal).</summary>
    private IEnumerable<Product> ActiveProducts(InMemoryTables t) => t.Products
        .Where(p => p.Key.Tenant == _store.TenantId && p.Value.Active)
        .Select(p => p.Value)
        .OrderBy(p => p.Id, Utf8Order.Instance);
}
