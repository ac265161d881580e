using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §10: the product repository.</summary>
public abstract class ProductConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    [Fact]
    public async Task A_created_product_reads_back_field_for_field()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);

        Assert.Equivalent(product with { TenantId = "tenant-a" }, await s.A.Products.GetProductAsync(product.Id), strict: true);
    }

    [Fact]
    public async Task A_one_off_product_keeps_its_optional_fields_null()
    {
        await using var s = await OpenAsync();
        var product = new Product { Id = Make.Id("prod"), Description = "Sticker", CreatedAt = s.Now, UpdatedAt = s.Now };
        await s.A.Products.CreateProductAsync(product);

        var read = await s.A.Products.GetProductAsync(product.Id);

        Assert.Equivalent(product with { TenantId = "tenant-a" }, read, strict: true);
        Assert.Null(read!.SubscriptionConfig);
        Assert.Null(read.FiatAmount);
        Assert.Null(read.StripePriceId);
    }

    [Fact]
    public async Task Creation_and_update_times_default_to_now()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now) with { CreatedAt = default, UpdatedAt = default };
        await s.A.Products.CreateProductAsync(product);

        var read = await s.A.Products.GetProductAsync(product.Id);

        Assert.Equal((s.Now, s.Now), (read!.CreatedAt, read.UpdatedAt));
    }

    [Fact]
    public async Task Instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var raw = Start.AddTicks(2);
        var product = Make.Product(s.Now) with { CreatedAt = raw, UpdatedAt = raw };
        await s.A.Products.CreateProductAsync(product);

        var read = await s.A.Products.GetProductAsync(product.Id);

        Assert.Equal(StorageTime.Micro(raw), read!.CreatedAt);
        Assert.Equal(StorageTime.Micro(raw), read.UpdatedAt);
    }

    [Fact]
    public async Task Metadata_and_subscription_config_round_trip_exactly()
    {
        await using var s = await OpenAsync();
        var meta = Make.Meta(("features", "[\"a\",\"b\"]"), ("quote", "\"'\\"), ("emoji", "📦"), ("empty", ""));
        var config = new ProductSubscriptionConfig { BillingPeriod = "year", BillingInterval = 2, TrialDays = 0 };
        var product = Make.Product(s.Now) with { Metadata = meta, SubscriptionConfig = config };
        await s.A.Products.CreateProductAsync(product);

        var read = await s.A.Products.GetProductAsync(product.Id);

        Assert.Equivalent(meta, read!.Metadata, strict: true);
        Assert.Equal(config, read.SubscriptionConfig);
    }

    [Fact]
    public async Task Getting_a_missing_product_returns_null()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.Products.GetProductAsync("prod-missing"));
        Assert.Null(await s.A.Products.GetProductByStripePriceIdAsync("price-missing"));
    }

    [Fact]
    public async Task Creating_a_duplicate_id_fails_with_Conflict_and_keeps_the_original()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);

        await ExpectKind.Conflict(() => s.A.Products.CreateProductAsync(product with { Description = "Other" }));

        Assert.Equal("Pro plan", (await s.A.Products.GetProductAsync(product.Id))!.Description);
    }

    [Fact]
    public async Task A_soft_deleted_product_still_holds_its_id()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);
        await s.A.Products.DeleteProductAsync(product.Id);

        await ExpectKind.Conflict(() => s.A.Products.CreateProductAsync(product));
    }

    [Fact]
    public async Task Updating_replaces_the_fields_keeps_created_at_and_stamps_updated_at()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);
        s.Time.Advance(TimeSpan.FromMinutes(5));
        var changed = product with
        {
            Description = "Pro plan v2",
            FiatAmount = 2999,
            StripePriceId = null,
            SubscriptionConfig = null,
            Metadata = Make.Meta(("tier", "pro2")),
            CreatedAt = s.Now.AddDays(-100),
            UpdatedAt = default,
        };

        await s.A.Products.UpdateProductAsync(changed);

        Assert.Equivalent(changed with { TenantId = "tenant-a", CreatedAt = product.CreatedAt, UpdatedAt = s.Now },
            await s.A.Products.GetProductAsync(product.Id), strict: true);
    }

    [Fact]
    public async Task Updating_a_missing_product_fails_with_NotFound_and_creates_nothing()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);

        await ExpectKind.NotFound(() => s.A.Products.UpdateProductAsync(product));

        Assert.Null(await s.A.Products.GetProductAsync(product.Id));
    }

    [Fact]
    public async Task Deleting_hides_the_product_from_every_read()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        var kept = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);
        await s.A.Products.CreateProductAsync(kept);

        await s.A.Products.DeleteProductAsync(product.Id);

        Assert.Null(await s.A.Products.GetProductAsync(product.Id));
        Assert.Null(await s.A.Products.GetProductByStripePriceIdAsync(product.StripePriceId!));
        Assert.Equal([kept.Id], (await s.A.Products.ListProductsAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task Deleting_a_missing_product_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.Products.DeleteProductAsync("prod-missing"));
    }

    [Fact]
    public async Task Deleting_twice_is_harmless()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);

        await s.A.Products.DeleteProductAsync(product.Id);
        await s.A.Products.DeleteProductAsync(product.Id);

        Assert.Null(await s.A.Products.GetProductAsync(product.Id));
    }

    [Fact]
    public async Task An_update_can_reactivate_a_deleted_product()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);
        await s.A.Products.DeleteProductAsync(product.Id);

        await s.A.Products.UpdateProductAsync(product with { Active = true });

        Assert.NotNull(await s.A.Products.GetProductAsync(product.Id));
    }

    [Fact]
    public async Task A_product_created_inactive_is_invisible()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now) with { Active = false };
        await s.A.Products.CreateProductAsync(product);

        Assert.Null(await s.A.Products.GetProductAsync(product.Id));
        Assert.Empty(await s.A.Products.ListProductsAsync());
    }

    [Fact]
    public async Task A_product_is_found_by_its_stripe_price_id()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);
        await s.A.Products.CreateProductAsync(Make.Product(s.Now));

        var read = await s.A.Products.GetProductByStripePriceIdAsync(product.StripePriceId!);

        Assert.Equal(product.Id, read!.Id);
        Assert.Null(await s.A.Products.GetProductByStripePriceIdAsync(product.StripePriceId!.ToUpperInvariant()));
    }

    [Fact]
    public async Task Active_products_are_listed_ordered_by_id()
    {
        await using var s = await OpenAsync();
        foreach (var id in new[] { "prod-c", "prod-a", "prod-d", "prod-b" })
            await s.A.Products.CreateProductAsync(Make.Product(s.Now, id));
        await s.A.Products.DeleteProductAsync("prod-d");

        Assert.Equal(["prod-a", "prod-b", "prod-c"], (await s.A.Products.ListProductsAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task Listing_with_no_products_returns_an_empty_list()
    {
        await using var s = await OpenAsync();
        Assert.Empty(await s.A.Products.ListProductsAsync());
    }

    [Theory]
    [InlineData("empty id")]
    [InlineData("long id")]
    [InlineData("negative fiat")]
    [InlineData("negative crypto")]
    [InlineData("zero billing interval")]
    [InlineData("negative trial")]
    [InlineData("description too long")]
    public async Task An_invalid_product_fails_with_Validation_and_writes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        var bad = problem switch
        {
            "empty id" => product with { Id = "" },
            "long id" => product with { Id = new string('p', 256) },
            "negative fiat" => product with { FiatAmount = -1 },
            "negative crypto" => product with { CryptoAmount = -1 },
            "zero billing interval" => product with { SubscriptionConfig = new ProductSubscriptionConfig { BillingInterval = 0 } },
            "negative trial" => product with { SubscriptionConfig = new ProductSubscriptionConfig { TrialDays = -1 } },
            _ => product with { Description = new string('d', 4097) },
        };

        await ExpectKind.Validation(() => s.A.Products.CreateProductAsync(bad));

        Assert.Null(await s.A.Products.GetProductAsync(product.Id));
        Assert.Empty(await s.A.Products.ListProductsAsync());
    }

    [Fact]
    public async Task An_invalid_update_fails_with_Validation_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);

        await ExpectKind.Validation(() => s.A.Products.UpdateProductAsync(product with { FiatAmount = -5, Description = "changed" }));

        Assert.Equivalent(product with { TenantId = "tenant-a" }, await s.A.Products.GetProductAsync(product.Id), strict: true);
    }

    [Fact]
    public async Task Another_tenant_cannot_see_a_product()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);

        Assert.Null(await s.B.Products.GetProductAsync(product.Id));
        Assert.Null(await s.B.Products.GetProductByStripePriceIdAsync(product.StripePriceId!));
        Assert.Empty(await s.B.Products.ListProductsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_update_or_delete_a_product()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now);
        await s.A.Products.CreateProductAsync(product);

        await ExpectKind.NotFound(() => s.B.Products.UpdateProductAsync(product with { Description = "hijacked" }));
        await ExpectKind.NotFound(() => s.B.Products.DeleteProductAsync(product.Id));

        Assert.Equivalent(product with { TenantId = "tenant-a" }, await s.A.Products.GetProductAsync(product.Id), strict: true);
    }

    [Fact]
    public async Task The_same_product_id_lives_independently_in_two_tenants()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now, "pro-plan");
        await s.A.Products.CreateProductAsync(product);

        await s.B.Products.CreateProductAsync(product with { Description = "B's plan" });
        await s.B.Products.DeleteProductAsync("pro-plan");

        Assert.Equal("Pro plan", (await s.A.Products.GetProductAsync("pro-plan"))!.Description);
        Assert.Equal(product.Id, (await s.A.Products.GetProductByStripePriceIdAsync(product.StripePriceId!))!.Id);
        Assert.Null(await s.B.Products.GetProductAsync("pro-plan"));
    }

    [Fact]
    public async Task A_product_claiming_another_tenant_is_stored_under_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var product = Make.Product(s.Now) with { TenantId = "tenant-b" };

        await s.A.Products.CreateProductAsync(product);
        await s.A.Products.UpdateProductAsync(product with { Description = "still A" });

        Assert.Equal("tenant-a", (await s.A.Products.GetProductAsync(product.Id))!.TenantId);
        Assert.Null(await s.B.Products.GetProductAsync(product.Id));
    }

    [Fact]
    public async Task Two_active_products_with_one_stripe_price_resolve_to_the_lowest_id()
    {
        await using var s = await OpenAsync();
        await s.A.Products.CreateProductAsync(Make.Product(s.Now, "prod-b") with { StripePriceId = "price_shared" });
        await s.A.Products.CreateProductAsync(Make.Product(s.Now, "prod-a") with { StripePriceId = "price_shared" });
        await s.A.Products.CreateProductAsync(Make.Product(s.Now, "prod-0") with { StripePriceId = "price_shared", Active = false });

        Assert.Equal("prod-a", (await s.A.Products.GetProductByStripePriceIdAsync("price_shared"))!.Id);
    }
}
