using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace Cedros.Storage.Caching;

/// <summary>
/// The shared state of the cached catalogue decorators: an <see cref="IMemoryCache"/>, the time-to-live, and one
/// invalidation token per (tenant, catalogue). A write through a decorator cancels its token, which evicts every cached
/// read of that tenant's catalogue at once; a read that was loading while the write happened is stored already expired,
/// so it cannot bring the old value back. Writes made elsewhere (another process, <see cref="ITenantStorage.Products"/>
/// directly, or inside <c>InTransactionAsync</c>) are seen after at most the TTL.
/// </summary>
internal sealed class StorageCatalogCache
{
    private readonly IMemoryCache _cache;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Tenant, string Catalogue), CancellationTokenSource> _tokens = new();

    /// <summary>Creates the cache state.</summary>
    /// <param name="cache">Where entries live.</param>
    /// <param name="ttl">How long a read stays cached.</param>
    /// <param name="timeProvider">The storage clock, to compare with coupon expiry times (default: system).</param>
    public StorageCatalogCache(IMemoryCache cache, TimeSpan ttl, TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        _cache = cache;
        Ttl = ttl;
    }

    /// <summary>How long a read stays cached.</summary>
    public TimeSpan Ttl { get; }

    internal async Task<T> GetOrLoadAsync<T>(string tenant, string catalogue, string key, Func<Task<T>> load,
        Func<T, DateTimeOffset?>? expiresAt = null)
    {
        var cacheKey = $"cedros.storage:{catalogue}:{tenant}:{key}";
        // Take the token before reading the database: a write that lands during the load cancels it.
        var token = _tokens.GetOrAdd((tenant, catalogue), static _ => new CancellationTokenSource()).Token;
        if (_cache.TryGetValue(cacheKey, out Box<T>? cached) && cached is not null)
            return cached.Value;

        var value = await load().ConfigureAwait(false);
        var lifetime = Ttl;
        if (expiresAt?.Invoke(value) is { } until)
        {
            var left = until - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                return value; // Something in it has already expired: never serve it from the cache.
            if (left < lifetime)
                lifetime = left;
        }
        using (var entry = _cache.CreateEntry(cacheKey))
        {
            entry.Value = new Box<T>(value);
            entry.AbsoluteExpirationRelativeToNow = lifetime;
            entry.AddExpirationToken(new CancellationChangeToken(token));
        }
        return value;
    }

    internal void Invalidate(string tenant, string catalogue)
    {
        if (_tokens.TryRemove((tenant, catalogue), out var source))
            source.Cancel();
    }

    private sealed record Box<T>(T Value);
}
