namespace Cedros.Storage.InMemory;

internal sealed class InMemoryProductRepository(InMemoryStore store) : IProductRepository
{
    private readonly InMemoryStore _store = store;

    public Task<Product?> GetProductAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Product?> GetProductByStripePriceIdAsync(string stripePriceId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task CreateProductAsync(Product product, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task UpdateProductAsync(Product product, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task DeleteProductAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();
}
