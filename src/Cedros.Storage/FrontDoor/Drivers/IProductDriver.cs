namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>The product catalogue of one tenant, database side (contract §10). Products arrive prepared.</summary>
internal interface IProductDriver
{
    /// <summary>The active product, or null.</summary>
    Task<Product?> SelectActiveProductAsync(string id, CancellationToken cancellationToken);

    /// <summary>The active product with that Stripe price (the lowest id when several), or null.</summary>
    Task<Product?> SelectActiveProductByStripePriceAsync(string stripePriceId, CancellationToken cancellationToken);

    /// <summary>Active products ordered by id (ordinal).</summary>
    Task<IReadOnlyList<Product>> SelectActiveProductsAsync(CancellationToken cancellationToken);

    /// <summary>Inserts the product; false when the tenant already has one with its id (active or not).</summary>
    Task<bool> InsertProductAsync(Product product, CancellationToken cancellationToken);

    /// <summary>Replaces every column but created_at; false when there is no such product.</summary>
    Task<bool> ReplaceProductAsync(Product product, CancellationToken cancellationToken);

    /// <summary>Sets active = false and updated_at = <paramref name="now"/> when active; false when there is no such
    /// product (an inactive one is found and left alone).</summary>
    Task<bool> DeactivateProductAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
}
