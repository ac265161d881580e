namespace Cedros.Storage.FrontDoor;

/// <summary>The front door of one tenant's products.</summary>
internal sealed class TenantProducts(TenantStore store) : IProductRepository
{
    private readonly TenantStore _store = store;

    private IProductRepository Driver => _store.Driver.Products;

    public Task<Product?> GetProductAsync(string id, CancellationToken cancellationToken = default) =>
        _store.Call("GetProduct", "products", ct => Driver.GetProductAsync(id, ct), cancellationToken);

    public Task<Product?> GetProductByStripePriceIdAsync(string stripePriceId, CancellationToken cancellationToken = default) =>
        _store.Call("GetProductByStripePriceId", "products", ct => Driver.GetProductByStripePriceIdAsync(stripePriceId, ct), cancellationToken);

    public Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken = default) =>
        _store.Call("ListProducts", "products", ct => Driver.ListProductsAsync(ct), cancellationToken);

    public Task CreateProductAsync(Product product, CancellationToken cancellationToken = default) =>
        _store.Call("CreateProduct", "products", ct => Driver.CreateProductAsync(product, ct), cancellationToken);

    public Task UpdateProductAsync(Product product, CancellationToken cancellationToken = default) =>
        _store.Call("UpdateProduct", "products", ct => Driver.UpdateProductAsync(product, ct), cancellationToken);

    public Task DeleteProductAsync(string id, CancellationToken cancellationToken = default) =>
        _store.Call("DeleteProduct", "products", ct => Driver.DeleteProductAsync(id, ct), cancellationToken);
}
