using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

/// <summary>The front door of one tenant's products.</summary>
internal sealed class TenantProducts(TenantStore store) : IProductRepository
{
    private readonly TenantStore _store = store;

    private IProductDriver Driver => _store.Driver.Products;

    public Task<Product?> GetProductAsync(string id, CancellationToken cancellationToken = default) =>
        _store.Call("GetProduct", "products", ct => Driver.SelectActiveProductAsync(Check.Id(id, "product id"), ct), cancellationToken);

    public Task<Product?> GetProductByStripePriceIdAsync(string stripePriceId, CancellationToken cancellationToken = default) =>
        _store.Call("GetProductByStripePriceId", "products",
            ct => Driver.SelectActiveProductByStripePriceAsync(Check.Id(stripePriceId, "stripe_price_id"), ct), cancellationToken);

    public Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken = default) =>
        _store.Call("ListProducts", "products", ct => Driver.SelectActiveProductsAsync(ct), cancellationToken);

    public Task CreateProductAsync(Product product, CancellationToken cancellationToken = default) =>
        _store.Call("CreateProduct", "products", async ct =>
        {
            var prepared = Prepare.Product(_store.TenantId, product, _store.Now);
            if (!await Driver.InsertProductAsync(prepared, ct).ConfigureAwait(false))
                throw Conflicts.AlreadyExists("product", prepared.Id);
        }, cancellationToken);

    public Task UpdateProductAsync(Product product, CancellationToken cancellationToken = default) =>
        _store.Call("UpdateProduct", "products", async ct =>
        {
            var now = _store.Now;
            // created_at belongs to the stored row.
            var prepared = Prepare.Product(_store.TenantId, product, now) with { UpdatedAt = now };
            if (!await Driver.ReplaceProductAsync(prepared, ct).ConfigureAwait(false))
                throw new StorageNotFoundException("product", prepared.Id);
        }, cancellationToken);

    public Task DeleteProductAsync(string id, CancellationToken cancellationToken = default) =>
        _store.Call("DeleteProduct", "products", async ct =>
        {
            Check.Id(id, "product id");
            if (!await Driver.DeactivateProductAsync(id, _store.Now, ct).ConfigureAwait(false))
                throw new StorageNotFoundException("product", id);
        }, cancellationToken);
}
