namespace Cedros.Storage.Caching;

/// <summary>
/// An <see cref="IProductRepository"/> that caches reads for <see cref="StorageCatalogCache.Ttl"/> per tenant and drops
/// the tenant's cached products on every write made through it. Another instance's writes are seen after the TTL.
/// </summary>
/// <param name="inner">The repository of the tenant.</param>
/// <param name="cache">The shared cache state.</param>
/// <param name="tenantId">The tenant of <paramref name="inner"/> (part of every cache key).</param>
internal sealed class CachedProductRepository(IProductRepository inner, StorageCatalogCache cache, string tenantId) : IProductRepository
{
    private const string Catalogue = "products";
    private readonly string _tenant = TenantIds.Require(tenantId);

    /// <inheritdoc />
    public Task<Product?> GetProductAsync(string id, CancellationToken cancellationToken = default) =>
        cache.GetOrLoadAsync(_tenant, Catalogue, "id:" + id, () => inner.GetProductAsync(id, cancellationToken));

    /// <inheritdoc />
    public Task<Product?> GetProductByStripePriceIdAsync(string stripePriceId, CancellationToken cancellationToken = default) =>
        cache.GetOrLoadAsync(_tenant, Catalogue, "price:" + stripePriceId,
            () => inner.GetProductByStripePriceIdAsync(stripePriceId, cancellationToken));

    /// <inheritdoc />
    public Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken = default) =>
        cache.GetOrLoadAsync(_tenant, Catalogue, "list", () => inner.ListProductsAsync(cancellationToken));

    /// <inheritdoc />
    public Task CreateProductAsync(Product product, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.CreateProductAsync(product, cancellationToken));

    /// <inheritdoc />
    public Task UpdateProductAsync(Product product, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.UpdateProductAsync(product, cancellationToken));

    /// <inheritdoc />
    public Task DeleteProductAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.DeleteProductAsync(id, cancellationToken));

    private async Task WriteAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        finally
        {
            cache.Invalidate(_tenant, Catalogue);
        }
    }
}
