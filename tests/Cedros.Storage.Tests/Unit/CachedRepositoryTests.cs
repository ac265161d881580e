using Cedros.Storage.Caching;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Unit;

public sealed class CachedRepositoryTests : IDisposable
{
    private readonly MemoryCache _memory = new(new MemoryCacheOptions());
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly StorageCatalogCache _cache;

    public CachedRepositoryTests() => _cache = new StorageCatalogCache(_memory, TimeSpan.FromMinutes(5), _time);

    public void Dispose() => _memory.Dispose();

    private static Product P(string id, string description = "") => new() { Id = id, Description = description };

    [Fact]
    public async Task A_product_read_twice_is_loaded_once()
    {
        var inner = new CountingProducts { [ "pro" ] = P("pro") };
        var cached = new CachedProductRepository(inner, _cache, "a");

        Assert.Equal("pro", (await cached.GetProductAsync("pro"))!.Id);
        Assert.Equal("pro", (await cached.GetProductAsync("pro"))!.Id);
        await cached.ListProductsAsync();
        await cached.ListProductsAsync();

        Assert.Equal(1, inner.Calls["get"]);
        Assert.Equal(1, inner.Calls["list"]);
    }

    [Fact]
    public async Task A_missing_product_is_cached_until_a_write()
    {
        var inner = new CountingProducts();
        var cached = new CachedProductRepository(inner, _cache, "a");

        Assert.Null(await cached.GetProductAsync("pro"));
        Assert.Null(await cached.GetProductAsync("pro"));
        Assert.Equal(1, inner.Calls["get"]);

        await cached.CreateProductAsync(P("pro"));
        Assert.NotNull(await cached.GetProductAsync("pro"));
        Assert.Equal(2, inner.Calls["get"]);
    }

    [Theory]
    [InlineData("update")]
    [InlineData("delete")]
    [InlineData("create")]
    public async Task Every_product_write_invalidates_the_tenants_cache(string write)
    {
        var inner = new CountingProducts { ["pro"] = P("pro", "old") };
        var cached = new CachedProductRepository(inner, _cache, "a");
        await cached.GetProductAsync("pro");
        await cached.GetProductByStripePriceIdAsync("price_1");
        await cached.ListProductsAsync();

        switch (write)
        {
            case "update": await cached.UpdateProductAsync(P("pro", "new")); break;
            case "delete": await cached.DeleteProductAsync("pro"); break;
            default: await cached.CreateProductAsync(P("other")); break;
        }
        await cached.GetProductAsync("pro");
        await cached.GetProductByStripePriceIdAsync("price_1");
        await cached.ListProductsAsync();

        Assert.Equal(2, inner.Calls["get"]);
        Assert.Equal(2, inner.Calls["price"]);
        Assert.Equal(2, inner.Calls["list"]);
    }

    [Fact]
    public async Task An_update_returns_the_new_value_on_the_next_read()
    {
        var inner = new CountingProducts { ["pro"] = P("pro", "old") };
        var cached = new CachedProductRepository(inner, _cache, "a");
        Assert.Equal("old", (await cached.GetProductAsync("pro"))!.Description);

        await cached.UpdateProductAsync(P("pro", "new"));

        Assert.Equal("new", (await cached.GetProductAsync("pro"))!.Description);
    }

    [Fact]
    public async Task A_failed_write_still_invalidates()
    {
        var inner = new CountingProducts { ["pro"] = P("pro") };
        var cached = new CachedProductRepository(inner, _cache, "a");
        await cached.GetProductAsync("pro");

        await Assert.ThrowsAsync<StorageNotFoundException>(() => cached.UpdateProductAsync(P("missing")));
        await cached.GetProductAsync("pro");

        Assert.Equal(2, inner.Calls["get"]);
    }

    [Fact]
    public async Task Tenants_have_separate_cache_entries_and_invalidation()
    {
        var innerA = new CountingProducts { ["pro"] = P("pro", "tenant a") };
        var innerB = new CountingProducts { ["pro"] = P("pro", "tenant b") };
        var a = new CachedProductRepository(innerA, _cache, "a");
        var b = new CachedProductRepository(innerB, _cache, "b");

        Assert.Equal("tenant a", (await a.GetProductAsync("pro"))!.Description);
        Assert.Equal("tenant b", (await b.GetProductAsync("pro"))!.Description);
        await a.UpdateProductAsync(P("pro", "tenant a v2"));
        Assert.Equal("tenant a v2", (await a.GetProductAsync("pro"))!.Description);
        Assert.Equal("tenant b", (await b.GetProductAsync("pro"))!.Description);

        Assert.Equal(2, innerA.Calls["get"]);
        Assert.Equal(1, innerB.Calls["get"]);
    }

    [Fact]
    public async Task A_read_that_overlaps_a_write_is_not_cached()
    {
        var inner = new CountingProducts { ["pro"] = P("pro", "old") };
        var cached = new CachedProductRepository(inner, _cache, "a");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        inner.BeforeGet = gate.Task;

        var slowRead = cached.GetProductAsync("pro");   // has read "old" and waits
        inner.BeforeGet = null;
        await cached.UpdateProductAsync(P("pro", "new"));
        gate.SetResult();
        Assert.Equal("old", (await slowRead)!.Description);

        Assert.Equal("new", (await cached.GetProductAsync("pro"))!.Description);
    }

    [Fact]
    public async Task Entries_expire_after_the_ttl()
    {
        var clock = new FakeTimeProvider(_time.GetUtcNow());
        using var memory = new MemoryCache(new MemoryCacheOptions { Clock = new FakeClock(clock) });
        var cache = new StorageCatalogCache(memory, TimeSpan.FromSeconds(30), clock);
        var inner = new CountingProducts { ["pro"] = P("pro") };
        var cached = new CachedProductRepository(inner, cache, "a");

        await cached.GetProductAsync("pro");
        clock.Advance(TimeSpan.FromSeconds(29));
        await cached.GetProductAsync("pro");
        Assert.Equal(1, inner.Calls["get"]);
        clock.Advance(TimeSpan.FromSeconds(2));
        await cached.GetProductAsync("pro");
        Assert.Equal(2, inner.Calls["get"]);
    }

    [Fact]
    public async Task Coupon_codes_are_cached_case_insensitively()
    {
        var inner = new CountingCoupons(new Coupon { Code = "SAVE10" });
        var cached = new CachedCouponRepository(inner, _cache, "a");

        Assert.Equal("SAVE10", (await cached.GetCouponAsync("save10"))!.Code);
        Assert.Equal("SAVE10", (await cached.GetCouponAsync("SAVE10"))!.Code);

        Assert.Equal(1, inner.Calls["get"]);
    }

    [Fact]
    public async Task IncrementUsage_always_reaches_the_store_and_invalidates()
    {
        var inner = new CountingCoupons(new Coupon { Code = "SAVE10", UsageLimit = 10 });
        var cached = new CachedCouponRepository(inner, _cache, "a");
        Assert.Equal(0, (await cached.GetCouponAsync("SAVE10"))!.UsageCount);

        Assert.Equal(1, await cached.IncrementUsageAsync("SAVE10"));
        Assert.Equal(2, await cached.IncrementUsageAsync("SAVE10"));

        Assert.Equal(2, inner.Calls["increment"]);
        Assert.Equal(2, (await cached.GetCouponAsync("SAVE10"))!.UsageCount);
        Assert.Equal(2, inner.Calls["get"]);
    }

    [Fact]
    public async Task IncrementUsage_at_the_limit_throws_and_still_invalidates()
    {
        var inner = new CountingCoupons(new Coupon { Code = "ONCE", UsageLimit = 1 });
        var cached = new CachedCouponRepository(inner, _cache, "a");
        await cached.IncrementUsageAsync("ONCE");
        await cached.GetCouponAsync("ONCE");

        await Assert.ThrowsAsync<StorageException>(() => cached.IncrementUsageAsync("ONCE"));
        await cached.GetCouponAsync("ONCE");

        Assert.Equal(2, inner.Calls["increment"]);
        Assert.Equal(2, inner.Calls["get"]);
    }

    [Theory]
    [InlineData("create")]
    [InlineData("update")]
    [InlineData("delete")]
    public async Task Every_coupon_write_invalidates(string write)
    {
        var inner = new CountingCoupons(new Coupon { Code = "SAVE10" });
        var cached = new CachedCouponRepository(inner, _cache, "a");
        await cached.GetCouponAsync("SAVE10");
        await cached.ListCouponsAsync();
        await cached.GetAutoApplyCouponsForPaymentAsync("pro", "crypto");
        await cached.GetAllAutoApplyCouponsForPaymentAsync("crypto");

        switch (write)
        {
            case "create": await cached.CreateCouponAsync(new Coupon { Code = "NEW" }); break;
            case "update": await cached.UpdateCouponAsync(new Coupon { Code = "SAVE10", DiscountValue = 20 }); break;
            default: await cached.DeleteCouponAsync("SAVE10"); break;
        }
        await cached.GetCouponAsync("SAVE10");
        await cached.ListCouponsAsync();
        await cached.GetAutoApplyCouponsForPaymentAsync("pro", "crypto");
        await cached.GetAllAutoApplyCouponsForPaymentAsync("crypto");

        Assert.Equal(2, inner.Calls["get"]);
        Assert.Equal(2, inner.Calls["list"]);
        Assert.Equal(2, inner.Calls["auto"]);
        Assert.Equal(2, inner.Calls["auto-all"]);
    }

    [Fact]
    public async Task Auto_apply_results_are_cached_per_product_and_payment_method()
    {
        var inner = new CountingCoupons(new Coupon { Code = "AUTO", AutoApply = true });
        var cached = new CachedCouponRepository(inner, _cache, "a");

        await cached.GetAutoApplyCouponsForPaymentAsync("pro", "crypto");
        await cached.GetAutoApplyCouponsForPaymentAsync("pro", "crypto");
        await cached.GetAutoApplyCouponsForPaymentAsync("pro", "stripe");
        await cached.GetAutoApplyCouponsForPaymentAsync("basic", "crypto");

        Assert.Equal(3, inner.Calls["auto"]);
    }

    [Fact]
    public async Task An_auto_apply_result_is_not_cached_past_its_earliest_coupon_expiry()
    {
        var now = _time.GetUtcNow();
        var inner = new CountingCoupons(
            new Coupon { Code = "SOON", AutoApply = true, ExpiresAt = now.AddSeconds(10) },
            new Coupon { Code = "LATER", AutoApply = true, ExpiresAt = now.AddDays(1) });
        using var memory = new MemoryCache(new MemoryCacheOptions { Clock = new FakeClock(_time) });
        var cached = new CachedCouponRepository(inner, new StorageCatalogCache(memory, TimeSpan.FromMinutes(5), _time), "a");

        await cached.GetAutoApplyCouponsForPaymentAsync("pro", "crypto");
        _time.Advance(TimeSpan.FromSeconds(9));
        await cached.GetAutoApplyCouponsForPaymentAsync("pro", "crypto");
        Assert.Equal(1, inner.Calls["auto"]);
        _time.Advance(TimeSpan.FromSeconds(2));
        await cached.GetAutoApplyCouponsForPaymentAsync("pro", "crypto");
        Assert.Equal(2, inner.Calls["auto"]);
    }

    [Fact]
    public async Task Coupon_tenants_do_not_share_entries()
    {
        var innerA = new CountingCoupons(new Coupon { Code = "SAVE10", DiscountValue = 10 });
        var innerB = new CountingCoupons(new Coupon { Code = "SAVE10", DiscountValue = 50 });
        var a = new CachedCouponRepository(innerA, _cache, "a");
        var b = new CachedCouponRepository(innerB, _cache, "b");

        Assert.Equal(10, (await a.GetCouponAsync("SAVE10"))!.DiscountValue);
        Assert.Equal(50, (await b.GetCouponAsync("SAVE10"))!.DiscountValue);
        await a.IncrementUsageAsync("SAVE10");
        await b.GetCouponAsync("SAVE10");
        Assert.Equal(1, innerB.Calls["get"]);
    }

    [Fact]
    public async Task Over_the_in_memory_backend_cached_reads_follow_writes_and_the_usage_limit_holds()
    {
        await using var storage = new Cedros.Storage.InMemory.InMemoryStorage(timeProvider: _time);
        var tenant = storage.ForTenant("shop");
        var coupons = new CachedCouponRepository(tenant.Coupons, _cache, tenant.TenantId);
        var products = new CachedProductRepository(tenant.Products, _cache, tenant.TenantId);
        var now = _time.GetUtcNow();

        Assert.Null(await products.GetProductAsync("pro"));
        await products.CreateProductAsync(new Product { Id = "pro", Description = "v1", CreatedAt = now, UpdatedAt = now });
        Assert.Equal("v1", (await products.GetProductAsync("pro"))!.Description);
        await products.DeleteProductAsync("pro");
        Assert.Null(await products.GetProductAsync("pro"));

        await coupons.CreateCouponAsync(new Coupon { Code = "TWICE", UsageLimit = 2, DiscountValue = 10, CreatedAt = now, UpdatedAt = now });
        Assert.Equal(0, (await coupons.GetCouponAsync("twice"))!.UsageCount);
        Assert.Equal(1, await coupons.IncrementUsageAsync("TWICE"));
        Assert.Equal(2, await coupons.IncrementUsageAsync("TWICE"));
        var error = await Assert.ThrowsAnyAsync<StorageException>(() => coupons.IncrementUsageAsync("TWICE"));
        Assert.Equal(StorageErrorKind.LimitReached, error.Kind);
        Assert.Equal(2, (await coupons.GetCouponAsync("TWICE"))!.UsageCount);
    }

#pragma warning disable CS0618 // ISystemClock is how MemoryCache takes a test clock.
    private sealed class FakeClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618

    private sealed class CountingProducts : Dictionary<string, Product>, IProductRepository
    {
        public Dictionary<string, int> Calls { get; } = new() { ["get"] = 0, ["price"] = 0, ["list"] = 0 };
        public Task? BeforeGet { get; set; }

        public async Task<Product?> GetProductAsync(string id, CancellationToken cancellationToken = default)
        {
            Calls["get"]++;
            var value = this.GetValueOrDefault(id);
            if (BeforeGet is { } gate)
                await gate;
            return value;
        }

        public Task<Product?> GetProductByStripePriceIdAsync(string stripePriceId, CancellationToken cancellationToken = default)
        {
            Calls["price"]++;
            return Task.FromResult(Values.FirstOrDefault(p => p.StripePriceId == stripePriceId));
        }

        public Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken = default)
        {
            Calls["list"]++;
            return Task.FromResult<IReadOnlyList<Product>>(Values.ToList());
        }

        public Task CreateProductAsync(Product product, CancellationToken cancellationToken = default)
        {
            this[product.Id] = product;
            return Task.CompletedTask;
        }

        public Task UpdateProductAsync(Product product, CancellationToken cancellationToken = default)
        {
            if (!ContainsKey(product.Id))
                throw new StorageNotFoundException("product", product.Id);
            this[product.Id] = product;
            return Task.CompletedTask;
        }

        public Task DeleteProductAsync(string id, CancellationToken cancellationToken = default)
        {
            this[id] = this[id] with { Active = false };
            return Task.CompletedTask;
        }
    }

    private sealed class CountingCoupons : ICouponRepository
    {
        private readonly Dictionary<string, Coupon> _coupons = new(StringComparer.OrdinalIgnoreCase);

        public CountingCoupons(params Coupon[] coupons)
        {
            foreach (var c in coupons)
                _coupons[c.Code] = c;
        }

        public Dictionary<string, int> Calls { get; } = new() { ["get"] = 0, ["list"] = 0, ["auto"] = 0, ["auto-all"] = 0, ["increment"] = 0 };

        public Task<Coupon?> GetCouponAsync(string code, CancellationToken cancellationToken = default)
        {
            Calls["get"]++;
            return Task.FromResult(_coupons.GetValueOrDefault(code));
        }

        public Task<IReadOnlyList<Coupon>> ListCouponsAsync(CancellationToken cancellationToken = default)
        {
            Calls["list"]++;
            return Task.FromResult<IReadOnlyList<Coupon>>(_coupons.Values.ToList());
        }

        public Task<IReadOnlyList<Coupon>> GetAutoApplyCouponsForPaymentAsync(string productId, string paymentMethod, CancellationToken cancellationToken = default)
        {
            Calls["auto"]++;
            return Task.FromResult<IReadOnlyList<Coupon>>(_coupons.Values.Where(c => c.AutoApply).ToList());
        }

        public Task<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>> GetAllAutoApplyCouponsForPaymentAsync(string paymentMethod, CancellationToken cancellationToken = default)
        {
            Calls["auto-all"]++;
            IReadOnlyDictionary<string, IReadOnlyList<Coupon>> map = new Dictionary<string, IReadOnlyList<Coupon>>
            {
                ["*"] = _coupons.Values.Where(c => c.AutoApply).ToList(),
            };
            return Task.FromResult(map);
        }

        public Task CreateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default)
        {
            _coupons[coupon.Code] = coupon;
            return Task.CompletedTask;
        }

        public Task UpdateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default)
        {
            _coupons[coupon.Code] = coupon;
            return Task.CompletedTask;
        }

        public Task<int> IncrementUsageAsync(string code, CancellationToken cancellationToken = default)
        {
            Calls["increment"]++;
            var c = _coupons[code];
            if (c.UsageLimit is { } limit && c.UsageCount >= limit)
                throw new StorageException(StorageErrorKind.LimitReached, "coupon usage limit reached");
            _coupons[code] = c with { UsageCount = c.UsageCount + 1 };
            return Task.FromResult(c.UsageCount + 1);
        }

        public Task DeleteCouponAsync(string code, CancellationToken cancellationToken = default)
        {
            _coupons[code] = _coupons[code] with { Active = false };
            return Task.CompletedTask;
        }
    }
}
