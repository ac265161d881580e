using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §4: fulfillments.</summary>
public abstract class FulfillmentConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static async Task<Order> StoredOrderAsync(ITenantStorage tenant, DateTimeOffset now, string? id = null)
    {
        var order = Make.Order(now, id);
        Assert.True(await tenant.TryStoreOrderAsync(order));
        return order;
    }

    [Fact]
    public async Task A_created_fulfillment_reads_back_field_for_field()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var fulfillment = Make.Fulfillment(s.Now, order.Id) with { Carrier = "DHL", TrackingNumber = "TN-1", TrackingUrl = "https://t.example/TN-1" };

        await s.A.CreateFulfillmentAsync(fulfillment);

        Assert.Equivalent(fulfillment with { TenantId = "tenant-a" }, await s.A.GetFulfillmentAsync(fulfillment.Id), strict: true);
    }

    [Fact]
    public async Task A_fulfillment_created_without_times_is_created_now()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);
        var fulfillment = Make.Fulfillment(s.Now, order.Id) with { CreatedAt = default, UpdatedAt = null };
        await s.A.CreateFulfillmentAsync(fulfillment);

        var read = (await s.A.GetFulfillmentAsync(fulfillment.Id))!;
        Assert.Equal(s.Now, read.CreatedAt);
        Assert.Null(read.UpdatedAt);
    }

    [Fact]
    public async Task Getting_a_missing_fulfillment_returns_null()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.GetFulfillmentAsync("ful-missing"));
    }

    [Fact]
    public async Task Creating_a_fulfillment_for_a_missing_order_fails_with_NotFound_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        var fulfillment = Make.Fulfillment(s.Now, "order-missing");

        var ex = await ExpectKind.NotFound(() => s.A.CreateFulfillmentAsync(fulfillment));

        Assert.Contains("order-missing", ex.Message, StringComparison.Ordinal);
        Assert.Null(await s.A.GetFulfillmentAsync(fulfillment.Id));
        Assert.Empty(await s.A.ListFulfillmentsAsync("order-missing", 10));
    }

    [Fact]
    public async Task An_order_of_another_tenant_does_not_count()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.B, s.Now);
        var fulfillment = Make.Fulfillment(s.Now, order.Id);

        await ExpectKind.NotFound(() => s.A.CreateFulfillmentAsync(fulfillment));

        Assert.Null(await s.A.GetFulfillmentAsync(fulfillment.Id));
        Assert.Null(await s.B.GetFulfillmentAsync(fulfillment.Id));
        Assert.Empty(await s.B.ListFulfillmentsAsync(order.Id, 10));
    }

    [Fact]
    public async Task Creating_a_fulfillment_id_twice_fails_with_Conflict_and_keeps_the_first()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var first = Make.Fulfillment(s.Now, order.Id);
        await s.A.CreateFulfillmentAsync(first);

        var ex = await ExpectKind.Conflict(() => s.A.CreateFulfillmentAsync(first with { Carrier = "UPS", Status = FulfillmentStatus.Shipped }));
        Assert.Equal($"fulfillment '{first.Id}' already exists.", ex.Message);

        Assert.Equivalent(first with { TenantId = "tenant-a" }, await s.A.GetFulfillmentAsync(first.Id), strict: true);
        Assert.Single(await s.A.ListFulfillmentsAsync(order.Id, 10));
    }

    public static TheoryData<string> InvalidFulfillments => new() { "no-id", "long-id", "no-order", "zero-quantity", "item-without-product",
        "huge-tracking", "undefined-status", "null-metadata-value", "items-over-1MiB" };

    [Theory]
    [MemberData(nameof(InvalidFulfillments))]
    public async Task An_invalid_fulfillment_fails_with_Validation_and_writes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var good = Make.Fulfillment(s.Now, order.Id);
        var bad = problem switch
        {
            "no-id" => good with { Id = "" },
            "long-id" => good with { Id = new string('f', 256) },
            "no-order" => good with { OrderId = "" },
            "zero-quantity" => good with { Items = [good.Items[0] with { Quantity = 0 }] },
            "item-without-product" => good with { Items = [good.Items[0] with { ProductId = "" }] },
            "huge-tracking" => good with { TrackingNumber = new string('t', Limits.MaxTextLength + 1) },
            "undefined-status" => good with { Status = (FulfillmentStatus)42 },
            "items-over-1MiB" => good with { Items = [.. Enumerable.Range(0, 4_000).Select(i => good.Items[0] with { ProductId = i + new string('p', 250) })] },
            _ => good with { Metadata = new Dictionary<string, string> { ["k"] = null! } },
        };

        await ExpectKind.Validation(() => s.A.CreateFulfillmentAsync(bad));

        Assert.Empty(await s.A.ListFulfillmentsAsync(order.Id, 10));
        Assert.Null(await s.A.GetFulfillmentAsync(good.Id));
    }

    [Fact]
    public async Task Items_and_metadata_round_trip_exactly()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var meta = Make.Meta(("quote\"d", "va'lue"), ("emoji", "🚚 ünïcödé"), ("empty", ""), ("json", "{\"a\":[1]}"));
        var fulfillment = Make.Fulfillment(s.Now, order.Id) with
        {
            Items = [new FulfillmentItem { ProductId = "prod-1", VariantId = "red", Quantity = 2 }, new FulfillmentItem { ProductId = "prod-2" }],
            Metadata = meta,
        };
        await s.A.CreateFulfillmentAsync(fulfillment);

        var read = (await s.A.GetFulfillmentAsync(fulfillment.Id))!;

        Assert.Equivalent(fulfillment.Items, read.Items, strict: true);
        Assert.Null(read.Items[1].VariantId);
        Assert.Equivalent(meta, read.Metadata, strict: true);
    }

    [Fact]
    public async Task Fulfillment_instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var raw = Start.AddTicks(4);
        var fulfillment = Make.Fulfillment(s.Now, order.Id) with
        {
            CreatedAt = raw, UpdatedAt = raw.AddTicks(1), ShippedAt = raw.AddTicks(2), DeliveredAt = raw.AddTicks(3),
        };
        await s.A.CreateFulfillmentAsync(fulfillment);

        var read = (await s.A.GetFulfillmentAsync(fulfillment.Id))!;

        Assert.Equal(StorageTime.Micro(raw), read.CreatedAt);
        Assert.Equal(StorageTime.Micro(raw.AddTicks(1)), read.UpdatedAt);
        Assert.Equal(StorageTime.Micro(raw.AddTicks(2)), read.ShippedAt);
        Assert.Equal(StorageTime.Micro(raw.AddTicks(3)), read.DeliveredAt);
    }

    // ---- tenants ----

    [Fact]
    public async Task A_fulfillment_written_with_another_tenant_id_lands_in_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var fulfillment = Make.Fulfillment(s.Now, order.Id) with { TenantId = "tenant-b" };

        await s.A.CreateFulfillmentAsync(fulfillment);

        Assert.Equal("tenant-a", (await s.A.GetFulfillmentAsync(fulfillment.Id))!.TenantId);
        Assert.Null(await s.B.GetFulfillmentAsync(fulfillment.Id));
    }

    [Fact]
    public async Task Another_tenant_can_neither_see_nor_update_a_fulfillment()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var fulfillment = Make.Fulfillment(s.Now, order.Id);
        await s.A.CreateFulfillmentAsync(fulfillment);

        Assert.Null(await s.B.GetFulfillmentAsync(fulfillment.Id));
        Assert.Empty(await s.B.ListFulfillmentsAsync(order.Id, 10));
        Assert.Null(await s.B.UpdateFulfillmentStatusAsync(fulfillment.Id, FulfillmentStatus.Cancelled, null, null, s.Now, "TN-B", null, "B"));

        Assert.Equivalent(fulfillment with { TenantId = "tenant-a" }, await s.A.GetFulfillmentAsync(fulfillment.Id), strict: true);
        Assert.Null(await s.B.GetFulfillmentAsync(fulfillment.Id));
    }

    [Fact]
    public async Task The_same_fulfillment_id_can_exist_in_two_tenants()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);
        await s.B.TryStoreOrderAsync(order);
        var fulfillment = Make.Fulfillment(s.Now, order.Id);

        await s.A.CreateFulfillmentAsync(fulfillment with { Carrier = "A-post" });
        await s.B.CreateFulfillmentAsync(fulfillment with { Carrier = "B-post" });

        Assert.Equal("A-post", (await s.A.GetFulfillmentAsync(fulfillment.Id))!.Carrier);
        Assert.Equal("B-post", (await s.B.GetFulfillmentAsync(fulfillment.Id))!.Carrier);

        await s.B.UpdateFulfillmentStatusAsync(fulfillment.Id, FulfillmentStatus.Shipped, s.Now, null, s.Now, carrier: "B-express");

        Assert.Equal(FulfillmentStatus.Shipped, (await s.B.GetFulfillmentAsync(fulfillment.Id))!.Status);
        Assert.Equivalent(fulfillment with { TenantId = "tenant-a", Carrier = "A-post" }, await s.A.GetFulfillmentAsync(fulfillment.Id), strict: true);
    }

    // ---- listing ----

    [Fact]
    public async Task An_orders_fulfillments_are_listed_newest_first_with_ties_broken_by_id_descending()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var other = await StoredOrderAsync(s.A, s.Now);
        var t = s.Now;
        await s.A.CreateFulfillmentAsync(Make.Fulfillment(t, order.Id, id: "f-a") with { CreatedAt = t });
        await s.A.CreateFulfillmentAsync(Make.Fulfillment(t, order.Id, id: "f-c") with { CreatedAt = t });
        await s.A.CreateFulfillmentAsync(Make.Fulfillment(t, order.Id, id: "f-b") with { CreatedAt = t.AddSeconds(1) });
        await s.A.CreateFulfillmentAsync(Make.Fulfillment(t, other.Id, id: "f-z") with { CreatedAt = t.AddSeconds(9) });

        Assert.Equal(["f-b", "f-c", "f-a"], (await s.A.ListFulfillmentsAsync(order.Id, 10)).Select(f => f.Id));
        Assert.Equal(["f-b", "f-c"], (await s.A.ListFulfillmentsAsync(order.Id, 2)).Select(f => f.Id));
        Assert.Empty(await s.A.ListFulfillmentsAsync(order.Id, 0));
        Assert.Equal(["f-z"], (await s.A.ListFulfillmentsAsync(other.Id, 10)).Select(f => f.Id));
    }

    [Fact]
    public async Task Listing_fulfillments_of_an_order_without_any_returns_an_empty_list()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        Assert.Empty(await s.A.ListFulfillmentsAsync(order.Id, 10));
        Assert.Empty(await s.A.ListFulfillmentsAsync("order-missing", 10));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task A_list_limit_outside_the_limits_fails_with_Validation(int limit)
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.ListFulfillmentsAsync("order-1", limit));
    }

    // ---- status updates ----

    [Fact]
    public async Task Updating_the_status_sets_every_given_field_and_returns_the_stored_fulfillment()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var fulfillment = Make.Fulfillment(s.Now, order.Id);
        await s.A.CreateFulfillmentAsync(fulfillment);
        var shippedAt = s.Now.AddHours(1);
        var updatedAt = s.Now.AddHours(2);

        var updated = await s.A.UpdateFulfillmentStatusAsync(fulfillment.Id, FulfillmentStatus.Shipped, shippedAt, null, updatedAt,
            "TN-42", "https://t.example/TN-42", "DHL");

        var expected = fulfillment with
        {
            TenantId = "tenant-a", Status = FulfillmentStatus.Shipped, ShippedAt = shippedAt, UpdatedAt = updatedAt,
            TrackingNumber = "TN-42", TrackingUrl = "https://t.example/TN-42", Carrier = "DHL",
        };
        Assert.Equivalent(expected, updated, strict: true);
        Assert.Equivalent(expected, await s.A.GetFulfillmentAsync(fulfillment.Id), strict: true);
    }

    [Fact]
    public async Task Marking_delivered_with_null_optional_arguments_keeps_shipped_at_and_tracking()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var fulfillment = Make.Fulfillment(s.Now, order.Id);
        await s.A.CreateFulfillmentAsync(fulfillment);
        var shippedAt = s.Now.AddHours(1);
        await s.A.UpdateFulfillmentStatusAsync(fulfillment.Id, FulfillmentStatus.Shipped, shippedAt, null, shippedAt, "TN-42", "https://t.example/TN-42", "DHL");
        var deliveredAt = s.Now.AddDays(2);

        var delivered = await s.A.UpdateFulfillmentStatusAsync(fulfillment.Id, FulfillmentStatus.Delivered, null, deliveredAt, deliveredAt);

        Assert.NotNull(delivered);
        Assert.Equal(FulfillmentStatus.Delivered, delivered.Status);
        Assert.Equal(shippedAt, delivered.ShippedAt);
        Assert.Equal(deliveredAt, delivered.DeliveredAt);
        Assert.Equal(deliveredAt, delivered.UpdatedAt);
        Assert.Equal("TN-42", delivered.TrackingNumber);
        Assert.Equal("https://t.example/TN-42", delivered.TrackingUrl);
        Assert.Equal("DHL", delivered.Carrier);
        Assert.Equivalent(delivered, await s.A.GetFulfillmentAsync(fulfillment.Id), strict: true);
    }

    [Fact]
    public async Task Given_optional_arguments_replace_the_stored_values()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var fulfillment = Make.Fulfillment(s.Now, order.Id) with { Carrier = "DHL", TrackingNumber = "TN-1", ShippedAt = s.Now };
        await s.A.CreateFulfillmentAsync(fulfillment);

        var updated = await s.A.UpdateFulfillmentStatusAsync(fulfillment.Id, FulfillmentStatus.Shipped, s.Now.AddHours(1), null, s.Now.AddHours(1),
            trackingNumber: "TN-2", carrier: "UPS");

        Assert.Equal(s.Now.AddHours(1), updated!.ShippedAt);
        Assert.Equal("TN-2", updated.TrackingNumber);
        Assert.Equal("UPS", updated.Carrier);
        Assert.Null(updated.TrackingUrl);
        Assert.Null(updated.DeliveredAt);
        Assert.Equivalent(fulfillment.Items, updated.Items, strict: true);
        Assert.Equivalent(fulfillment.Metadata, updated.Metadata, strict: true);
        Assert.Equal(fulfillment.CreatedAt, updated.CreatedAt);
    }

    [Fact]
    public async Task Updating_a_missing_fulfillment_returns_null_and_creates_nothing()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.UpdateFulfillmentStatusAsync("ful-missing", FulfillmentStatus.Shipped, s.Now, null, s.Now, "TN"));
        Assert.Null(await s.A.GetFulfillmentAsync("ful-missing"));
    }

    [Fact]
    public async Task Update_instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var fulfillment = Make.Fulfillment(s.Now, order.Id);
        await s.A.CreateFulfillmentAsync(fulfillment);
        var raw = Start.AddHours(1).AddTicks(6);

        var updated = await s.A.UpdateFulfillmentStatusAsync(fulfillment.Id, FulfillmentStatus.Delivered, raw, raw.AddTicks(1), raw.AddTicks(2));

        var read = (await s.A.GetFulfillmentAsync(fulfillment.Id))!;
        Assert.Equal(StorageTime.Micro(raw), read.ShippedAt);
        Assert.Equal(StorageTime.Micro(raw.AddTicks(1)), read.DeliveredAt);
        Assert.Equal(StorageTime.Micro(raw.AddTicks(2)), read.UpdatedAt);
        Assert.Equivalent(read, updated, strict: true);
    }

    [Fact]
    public async Task An_invalid_update_fails_with_Validation_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var order = await StoredOrderAsync(s.A, s.Now);
        var fulfillment = Make.Fulfillment(s.Now, order.Id);
        await s.A.CreateFulfillmentAsync(fulfillment);

        await ExpectKind.Validation(() => s.A.UpdateFulfillmentStatusAsync(fulfillment.Id, (FulfillmentStatus)42, null, null, s.Now));
        await ExpectKind.Validation(() => s.A.UpdateFulfillmentStatusAsync(fulfillment.Id, FulfillmentStatus.Shipped, s.Now, null, s.Now,
            trackingUrl: new string('u', Limits.MaxTextLength + 1)));

        Assert.Equivalent(fulfillment with { TenantId = "tenant-a" }, await s.A.GetFulfillmentAsync(fulfillment.Id), strict: true);
    }
}
