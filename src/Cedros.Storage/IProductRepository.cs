namespace Cedros.Storage;

/// <summary>The product catalogue (contract §10).</summary>
public interface IProductRepository
{
    /// <summary>The active product, or null.</summary>
    Task<Product?> GetProductAsync(string id, CancellationToken cancellationToken = default);
    /// <summary>The active product with that Stripe price, or null.</summary>
    Task<Product?> GetProductByStripePriceIdAsync(string stripePriceId, CancellationToken cancellationToken = default);
    /// <summary>Active products ordered by id.</summary>
    Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken = default);
    /// <summary>Creates; duplicate id → Conflict.</summary>
    Task CreateProductAsync(Product product, CancellationToken cancellationToken = default);
    /// <summary>Replaces; missing → NotFound.</summary>
    Task UpdateProductAsync(Product product, CancellationToken cancellationToken = default);
    /// <summary>Soft-deletes (active = false, updated_at = now); missing → NotFound.</summary>
    Task DeleteProductAsync(string id, CancellationToken cancellationToken = default);
}
