namespace Cedros.Storage.Configuration;

/// <summary>
/// <c>storage.caching.*</c>: an in-process cache in front of the product and coupon catalogues (see
/// <c>Cedros.Storage.Caching</c>). Each instance caches on its own, so a multi-instance deployment sees another
/// instance's writes only after <see cref="Ttl"/>.
/// </summary>
public sealed class CachingOptions
{
    /// <summary><c>storage.caching.enabled</c> (default false).</summary>
    public bool Enabled { get; set; }

    /// <summary><c>storage.caching.ttl</c>: how long a read stays cached (default 30s).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(30);
}
