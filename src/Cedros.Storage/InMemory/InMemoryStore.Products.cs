using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

/// <summary>Products of one tenant. Reads see active products only; a soft-deleted product keeps its id.</summary>
internal sealed partial class InMemoryStore : IProductDriver
{
    public Task<Product?> SelectActiveProductAsync(string id, CancellationToken cancellationToken) =>
        RunAsync(t => t.Products.TryGetValue(Key(id), out var p) && p.Active ? p : null, cancellationToken);

    public Task<Product?> SelectActiveProductByStripePriceAsync(string stripePriceId, CancellationToken cancellationToken) =>
        RunAsync(t => ActiveProducts(t).FirstOrDefault(p => string.Equals(p.StripePriceId, stripePriceId, StringComparison.Ordinal)),
            cancellationToken);

    public Task<IReadOnlyList<Product>> SelectActiveProductsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Product>>(t => ActiveProducts(t).ToArray(), cancellationToken);

    public Task<bool> InsertProductAsync(Product product, CancellationToken cancellationToken) =>
        RunAsync(t => Table.TryAdd(ref t.Products, Key(product.Id), product), cancellationToken);

    public Task<bool> ReplaceProductAsync(Product product, CancellationToken cancellationToken) =>
        RunAsync(t => Table.Update(ref t.Products, Key(product.Id), existing => product with { CreatedAt = existing.CreatedAt }) is not null,
            cancellationToken);

    public Task<bool> DeactivateProductAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => Table.ChangeIf(ref t.Products, Key(id), p => p.Active, p => p with { Active = false, UpdatedAt = now },
            false, _ => true, _ => true), cancellationToken);

    /// <summary>This tenant's active products ordered by id (ordinal).</summary>
    private IEnumerable<Product> ActiveProducts(InMemoryTables t) =>
        Table.OfTenant(t.Products, TenantId).Where(p => p.Active).OrderBy(p => p.Id, Utf8Order.Instance);
}
