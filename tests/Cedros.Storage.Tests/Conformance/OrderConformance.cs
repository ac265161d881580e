using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §3: orders and their status history.</summary>
public abstract class OrderConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static Order InA(Order order) => order with { TenantId = "tenant-a" };

    // ---- storing and reading ----

    [Fact]
    public async Task A_stored_order_reads_back_field_for_field()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);

        Assert.True(await s.A.TryStoreOrderAsync(order));

        Assert.Equivalent(InA(order), await s.A.GetOrderAsync(order.Id), strict: true);
    }

    [Fact]
    public async Task Getting_a_missing_order_returns_null()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.GetOrderAsync("order-missing"));
        Assert.Null(await s.A.GetOrderByPurchaseAsync("x402", "sig-missing"));
    }

    [Fact]
    public async Task Storing_an_existing_order_id_returns_false_and_keeps_the_first_order()
    {
        await using var s = await OpenAsync();
        var first = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(first);
        var second = Make.Order(s.Now, id: first.Id) with { Amount = 99, Customer = "Someone else" };

        Assert.False(await s.A.TryStoreOrderAsync(second));

        Assert.Equivalent(InA(first), await s.A.GetOrderAsync(first.Id), strict: true);
        Assert.Null(await s.A.GetOrderByPurchaseAsync(second.Source, second.PurchaseId));
    }

    [Fact]
    public async Task Storing_the_same_source_and_purchase_id_under_a_new_id_returns_false_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        var first = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(first);
        var second = Make.Order(s.Now, purchaseId: first.PurchaseId);

        Assert.False(await s.A.TryStoreOrderAsync(second));

        Assert.Null(await s.A.GetOrderAsync(second.Id));
        Assert.Single(await s.A.ListOrdersAsync(10, 0));
    }

    [Fact]
    public async Task The_same_purchase_id_from_another_source_is_a_different_order()
    {
        await using var s = await OpenAsync();
        var first = Make.Order(s.Now);
        var second = Make.Order(s.Now, purchaseId: first.PurchaseId) with { Source = "stripe" };

        Assert.True(await s.A.TryStoreOrderAsync(first));
        Assert.True(await s.A.TryStoreOrderAsync(second));

        Assert.Equal(first.Id, (await s.A.GetOrderByPurchaseAsync("x402", first.PurchaseId))!.Id);
        Assert.Equal(second.Id, (await s.A.GetOrderByPurchaseAsync("stripe", first.PurchaseId))!.Id);
    }

    [Fact]
    public async Task An_order_is_found_by_its_source_and_purchase_id()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        Assert.Equivalent(InA(order), await s.A.GetOrderByPurchaseAsync(order.Source, order.PurchaseId), strict: true);
        Assert.Null(await s.A.GetOrderByPurchaseAsync("stripe", order.PurchaseId));
    }

    [Fact]
    public async Task Order_instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var raw = Start.AddTicks(3);
        var order = Make.Order(s.Now) with { CreatedAt = raw, UpdatedAt = raw.AddSeconds(1), StatusUpdatedAt = raw.AddSeconds(2) };
        await s.A.TryStoreOrderAsync(order);

        var read = (await s.A.GetOrderAsync(order.Id))!;

        Assert.Equal(StorageTime.Micro(raw), read.CreatedAt);
        Assert.Equal(StorageTime.Micro(raw.AddSeconds(1)), read.UpdatedAt);
        Assert.Equal(StorageTime.Micro(raw.AddSeconds(2)), read.StatusUpdatedAt);
        Assert.Equal(0, read.CreatedAt.Ticks % 10);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
    }

    [Fact]
    public async Task Items_shipping_and_metadata_round_trip_exactly()
    {
        await using var s = await OpenAsync();
        var meta = Make.Meta(("quote\"d", "va'lue"), ("emoji", "📦 ünïcödé"), ("empty", ""), ("json", "{\"a\":[1,2]}"), ("back\\slash", "%_"));
        var order = Make.Order(s.Now) with
        {
            Items =
            [
                new OrderItem { ProductId = "prod-1", VariantId = "red", Quantity = 3, Name = "Shirt \"red\"", UnitPrice = 1, Asset = "USDC", Metadata = meta },
                new OrderItem { ProductId = "prod-2", Quantity = 1, UnitPrice = 0 },
            ],
            Shipping = Make.Meta(("name", "Zoë O'Brien"), ("line1", "Rua 1\n2º Esq"), ("country", "PT")),
            Metadata = meta,
        };
        await s.A.TryStoreOrderAsync(order);

        var read = (await s.A.GetOrderAsync(order.Id))!;

        Assert.Equivalent(order.Items, read.Items, strict: true);
        Assert.Null(read.Items[1].VariantId);
        Assert.Null(read.Items[1].Name);
        Assert.Equivalent(order.Shipping, read.Shipping, strict: true);
        Assert.Equivalent(meta, read.Metadata, strict: true);
    }

    [Fact]
    public async Task An_order_without_shipping_items_or_metadata_reads_back_empty()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with
        {
            Items = [], Shipping = null, Metadata = EmptyMetadata.Instance, Customer = null, CustomerEmail = null, UserId = null,
            UpdatedAt = null, StatusUpdatedAt = null,
        };
        await s.A.TryStoreOrderAsync(order);

        var read = (await s.A.GetOrderAsync(order.Id))!;

        Assert.Equivalent(InA(order), read, strict: true);
        Assert.Null(read.Shipping);
        Assert.Empty(read.Items);
        Assert.Empty(read.Metadata);
    }

    public static TheoryData<string> InvalidOrders => new() { "no-id", "long-id", "no-source", "no-purchase", "no-resource", "no-asset",
        "negative-amount", "zero-quantity", "item-without-product", "huge-customer", "undefined-status", "items-over-1MiB" };

    [Theory]
    [MemberData(nameof(InvalidOrders))]
    public async Task An_invalid_order_fails_with_Validation_and_writes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        var good = Make.Order(s.Now);
        var bad = problem switch
        {
            "no-id" => good with { Id = "" },
            "long-id" => good with { Id = new string('o', 256) },
            "no-source" => good with { Source = " " },
            "no-purchase" => good with { PurchaseId = "" },
            "no-resource" => good with { ResourceId = "" },
            "no-asset" => good with { AmountAsset = "" },
            "negative-amount" => good with { Amount = -1 },
            "zero-quantity" => good with { Items = [good.Items[0] with { Quantity = 0 }] },
            "item-without-product" => good with { Items = [good.Items[0] with { ProductId = "" }] },
            "huge-customer" => good with { Customer = new string('c', Limits.MaxTextLength + 1) },
            // Every item's own metadata is well under the limit; together they are over it.
            "items-over-1MiB" => good with { Items = [.. Enumerable.Range(0, 20).Select(i => good.Items[0] with { Metadata = Make.Meta(("note", new string('n', 60_000))) })] },
            _ => good with { Status = (OrderStatus)42 },
        };

        await ExpectKind.Validation(() => s.A.TryStoreOrderAsync(bad));

        Assert.Empty(await s.A.ListOrdersAsync(10, 0));
        Assert.Null(await s.A.GetOrderByPurchaseAsync(good.Source, good.PurchaseId));
    }

    [Fact]
    public async Task An_id_of_exactly_255_characters_is_accepted()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now, id: new string('o', 255));
        Assert.True(await s.A.TryStoreOrderAsync(order));
        Assert.NotNull(await s.A.GetOrderAsync(order.Id));
    }

    // ---- tenants ----

    [Fact]
    public async Task An_order_written_with_another_tenant_id_lands_in_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { TenantId = "tenant-b" };

        await s.A.TryStoreOrderAsync(order);

        Assert.Equal("tenant-a", (await s.A.GetOrderAsync(order.Id))!.TenantId);
        Assert.Null(await s.B.GetOrderAsync(order.Id));
        Assert.Null(await s.B.GetOrderByPurchaseAsync(order.Source, order.PurchaseId));
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_the_orders()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        Assert.Null(await s.B.GetOrderAsync(order.Id));
        Assert.Null(await s.B.GetOrderByPurchaseAsync(order.Source, order.PurchaseId));
        Assert.Empty(await s.B.ListOrdersAsync(10, 0));
        var page = await s.B.ListOrdersFilteredAsync(null, order.Id, null, null, 10, 0);
        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task The_same_order_id_and_purchase_can_be_stored_in_two_tenants()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);

        Assert.True(await s.A.TryStoreOrderAsync(order));
        Assert.True(await s.B.TryStoreOrderAsync(order with { Amount = 7 }));

        Assert.Equal(order.Amount, (await s.A.GetOrderAsync(order.Id))!.Amount);
        Assert.Equal(7, (await s.B.GetOrderAsync(order.Id))!.Amount);
        Assert.Equal("tenant-b", (await s.B.GetOrderByPurchaseAsync(order.Source, order.PurchaseId))!.TenantId);

        await s.B.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, s.Now);

        Assert.Equal(OrderStatus.Paid, (await s.B.GetOrderAsync(order.Id))!.Status);
        Assert.Equal(OrderStatus.Created, (await s.A.GetOrderAsync(order.Id))!.Status);
        Assert.Single(await s.B.ListOrderHistoryAsync(order.Id, 10));
        Assert.Empty(await s.A.ListOrderHistoryAsync(order.Id, 10));
    }

    [Fact]
    public async Task Another_tenant_cannot_change_an_orders_status()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        await ExpectKind.NotFound(() => s.B.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, s.Now, s.Now));
        await ExpectKind.NotFound(() => s.B.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, s.Now));

        Assert.Equal(OrderStatus.Created, (await s.A.GetOrderAsync(order.Id))!.Status);
        Assert.Empty(await s.A.ListOrderHistoryAsync(order.Id, 10));
        Assert.Empty(await s.B.ListOrderHistoryAsync(order.Id, 10));
    }

    // ---- listing ----

    [Fact]
    public async Task Orders_are_listed_newest_first_with_ties_broken_by_id_descending()
    {
        await using var s = await OpenAsync();
        var t = s.Now;
        await s.A.TryStoreOrderAsync(Make.Order(t, id: "o-b") with { CreatedAt = t });
        await s.A.TryStoreOrderAsync(Make.Order(t, id: "o-c") with { CreatedAt = t });
        await s.A.TryStoreOrderAsync(Make.Order(t, id: "o-a") with { CreatedAt = t.AddSeconds(1) });
        await s.A.TryStoreOrderAsync(Make.Order(t, id: "o-d") with { CreatedAt = t.AddSeconds(-1) });

        var ids = (await s.A.ListOrdersAsync(10, 0)).Select(o => o.Id);

        Assert.Equal(["o-a", "o-c", "o-b", "o-d"], ids);
    }

    [Fact]
    public async Task Orders_are_paged_by_limit_and_offset()
    {
        await using var s = await OpenAsync();
        for (var i = 0; i < 5; i++) await s.A.TryStoreOrderAsync(Make.Order(s.Now, id: $"o-{i}") with { CreatedAt = s.Now.AddMinutes(i) });

        Assert.Equal(["o-4", "o-3"], (await s.A.ListOrdersAsync(2, 0)).Select(o => o.Id));
        Assert.Equal(["o-2", "o-1"], (await s.A.ListOrdersAsync(2, 2)).Select(o => o.Id));
        Assert.Equal(["o-0"], (await s.A.ListOrdersAsync(2, 4)).Select(o => o.Id));
        Assert.Empty(await s.A.ListOrdersAsync(2, 5));
        Assert.Empty(await s.A.ListOrdersAsync(2, 500));
        Assert.Empty(await s.A.ListOrdersAsync(0, 0));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(1001, 0)]
    [InlineData(10, -1)]
    public async Task A_page_outside_the_limits_fails_with_Validation(int limit, int offset)
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.ListOrdersAsync(limit, offset));
        await ExpectKind.Validation(() => s.A.ListOrdersFilteredAsync(null, null, null, null, limit, offset));
    }

    [Fact]
    public async Task A_page_of_1000_is_allowed()
    {
        await using var s = await OpenAsync();
        await s.A.TryStoreOrderAsync(Make.Order(s.Now));
        Assert.Single(await s.A.ListOrdersAsync(1000, 0));
    }

    // ---- filtered listing ----

    [Fact]
    public async Task Filtering_by_status_returns_only_that_status()
    {
        await using var s = await OpenAsync();
        var paid = Make.Order(s.Now) with { Status = OrderStatus.Paid };
        await s.A.TryStoreOrderAsync(paid);
        await s.A.TryStoreOrderAsync(Make.Order(s.Now));

        var page = await s.A.ListOrdersFilteredAsync(OrderStatus.Paid, null, null, null, 10, 0);

        Assert.Equal([paid.Id], page.Items.Select(o => o.Id));
        Assert.Equal(1, page.Total);
        Assert.Equivalent(InA(paid), page.Items[0], strict: true);
    }

    [Fact]
    public async Task No_filters_return_every_order_of_the_tenant()
    {
        await using var s = await OpenAsync();
        for (var i = 0; i < 3; i++) await s.A.TryStoreOrderAsync(Make.Order(s.Now));
        await s.B.TryStoreOrderAsync(Make.Order(s.Now));

        var page = await s.A.ListOrdersFilteredAsync(null, null, null, null, 10, 0);

        Assert.Equal(3, page.Items.Count);
        Assert.Equal(3, page.Total);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("purchase_id")]
    [InlineData("resource_id")]
    [InlineData("customer")]
    [InlineData("customer_email")]
    public async Task Search_matches_a_substring_of_each_searchable_field(string field)
    {
        await using var s = await OpenAsync();
        var plain = Make.Order(s.Now);
        var target = field switch
        {
            "id" => Make.Order(s.Now, id: "ord-NeedleX-1"),
            "purchase_id" => Make.Order(s.Now, purchaseId: "sig-NeedleX-1"),
            "resource_id" => Make.Order(s.Now) with { ResourceId = "res-NeedleX-1" },
            "customer" => Make.Order(s.Now) with { Customer = "Wallet-NeedleX-1" },
            _ => Make.Order(s.Now) with { CustomerEmail = "needlex@example.com" },
        };
        await s.A.TryStoreOrderAsync(plain);
        await s.A.TryStoreOrderAsync(target);

        var page = await s.A.ListOrdersFilteredAsync(null, "needlex", null, null, 10, 0);

        Assert.Equal([target.Id], page.Items.Select(o => o.Id));
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task Search_ignores_fields_that_are_not_searchable()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with
        {
            Source = "needle-source", UserId = "needle-user", AmountAsset = "NEEDLE", Metadata = Make.Meta(("needle", "needle")),
            Shipping = Make.Meta(("name", "needle")), Items = [new OrderItem { ProductId = "needle-product", Name = "needle" }],
        };
        await s.A.TryStoreOrderAsync(order);

        var page = await s.A.ListOrdersFilteredAsync(null, "needle", null, null, 10, 0);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Theory]
    [InlineData("BUYER@EXAMPLE.COM")]
    [InlineData("Buyer@Example")]
    [InlineData("walletcustomer")]
    public async Task Search_is_case_insensitive(string search)
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        var page = await s.A.ListOrdersFilteredAsync(null, search, null, null, 10, 0);

        Assert.Equal([order.Id], page.Items.Select(o => o.Id));
    }

    [Theory]
    [InlineData("müller")]
    [InlineData("MÜLL")]
    [InlineData("Jürgen m")]
    [InlineData("üR")]
    public async Task Search_folds_the_case_of_non_ASCII_letters(string search)
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Customer = "Jürgen MÜLLER" };
        await s.A.TryStoreOrderAsync(order);
        await s.A.TryStoreOrderAsync(Make.Order(s.Now) with { Customer = "Jurgen Muller", CustomerEmail = "jm@example.com" });

        var page = await s.A.ListOrdersFilteredAsync(null, search, null, null, 10, 0);

        Assert.Equal([order.Id], page.Items.Select(o => o.Id));
        Assert.Equal(1, page.Total);
    }

    [Theory]
    [InlineData("joined")]
    [InlineData("join ed")]
    [InlineData("loseopen")]
    [InlineData("lose@open")]
    public async Task A_term_spanning_two_searchable_fields_does_not_match(string search)
    {
        // The end of one field followed by the start of the next (in any storage order) is no substring of either.
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now, id: "ord-join", purchaseId: "ed-sig") with
        {
            ResourceId = "ed-res", Customer = "cust-join", CustomerEmail = "ed@close", Source = "x402",
        };
        var other = Make.Order(s.Now, id: "ord-open", purchaseId: "sig-lose") with { ResourceId = "open-res", Customer = "lose", CustomerEmail = "open@x" };
        await s.A.TryStoreOrderAsync(order);
        await s.A.TryStoreOrderAsync(other);

        var page = await s.A.ListOrdersFilteredAsync(null, search, null, null, 10, 0);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(10, 0)]
    [InlineData(1, 7)]
    [InlineData(5, 8)]
    public async Task A_search_pages_its_matches_newest_first_and_counts_them_all(int limit, int offset)
    {
        // Many matches and a small page (a backend may walk the newest orders) as well as few (it may read matches by key).
        await using var s = await OpenAsync();
        var matching = new List<Order>();
        for (var i = 0; i < 12; i++)
        {
            var at = s.Now.AddMinutes(i % 5).AddSeconds(-i);
            var hit = i % 3 != 0;
            var order = Make.Order(s.Now, id: $"ord-{i:D2}") with
            {
                CreatedAt = i == 7 ? s.Now.AddMinutes(2).AddSeconds(-4) : at,
                Customer = hit ? $"Pager-Match-{i}" : $"other-{i}", CustomerEmail = null,
                Status = i % 2 == 0 ? OrderStatus.Created : OrderStatus.Paid,
            };
            await s.A.TryStoreOrderAsync(order);
            if (hit) matching.Add(order);
        }
        var expected = matching.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal)
            .Skip(offset).Take(limit).Select(o => o.Id).ToList();

        var page = await s.A.ListOrdersFilteredAsync(null, "pager-match", null, null, limit, offset);
        var filtered = await s.A.ListOrdersFilteredAsync(OrderStatus.Created, "PAGER-MATCH", null, null, limit, offset);

        Assert.Equal(expected, page.Items.Select(o => o.Id).ToList());
        Assert.Equal(matching.Count, page.Total);
        Assert.Equal(matching.Count(o => o.Status == OrderStatus.Created), filtered.Total);
    }

    [Theory]
    [InlineData(4, 0)]
    [InlineData(3, 5)]
    [InlineData(20, 0)]
    [InlineData(6, 12)]
    [InlineData(5, 40)]
    public async Task A_search_matching_through_resource_ids_and_other_fields_counts_each_order_once_and_pages_them_newest_first(
        int limit, int offset)
    {
        // Several matching resource ids with many orders each (a backend may count them by resource), orders that match
        // through a resource id and another field too (counted once), orders matching only elsewhere, ties on created_at,
        // and the same resource ids in another tenant (never counted).
        await using var s = await OpenAsync();
        string[] resources = ["Kit-Alpha", "kit-beta", "KIT-gamma", "other-res"];
        var matching = new List<Order>();
        for (var i = 0; i < 24; i++)
        {
            var resource = resources[i % resources.Length];
            var order = Make.Order(s.Now, id: $"ord-r{i:D2}") with
            {
                ResourceId = resource,
                CreatedAt = s.Now.AddMinutes(-(i % 7)),
                Customer = i % 5 == 0 ? $"kit-fan-{i}" : $"wallet-{i}",
                CustomerEmail = i % 6 == 0 || i is 3 or 7 ? "kit-buyer@example.com" : null,
            };
            await s.A.TryStoreOrderAsync(order);
            if (resource != "other-res" || i % 5 == 0 || i is 3 or 7) matching.Add(order);
            await s.B.TryStoreOrderAsync(Make.Order(s.Now, id: $"ord-b{i:D2}") with { ResourceId = resource });
        }
        var expected = matching.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal)
            .Skip(offset).Take(limit).Select(o => o.Id).ToList();

        var page = await s.A.ListOrdersFilteredAsync(null, "KIT-", null, null, limit, offset);
        // With a filter too (a backend may take another path then).
        var recent = await s.A.ListOrdersFilteredAsync(null, "kit-", null, s.Now.AddMinutes(-2), limit, offset);
        var recentMatching = matching.Where(o => o.CreatedAt >= s.Now.AddMinutes(-2)).ToList();

        Assert.Equal(expected, page.Items.Select(o => o.Id).ToList());
        Assert.Equal(matching.Count, page.Total);
        Assert.Equal(18 + 3, matching.Count);
        Assert.Equal(recentMatching.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal)
            .Skip(offset).Take(limit).Select(o => o.Id).ToList(), recent.Items.Select(o => o.Id).ToList());
        Assert.Equal(recentMatching.Count, recent.Total);
    }

    [Fact]
    public async Task An_order_matching_in_several_fields_is_counted_and_listed_once()
    {
        // A backend may look each field up apart and join what it finds.
        await using var s = await OpenAsync();
        Order[] matching =
        [
            Make.Order(s.Now, id: "ord-dup-1") with { PurchaseId = "sig-dup-1", Customer = "DUP-fan", CustomerEmail = "dup-1@example.com" },
            Make.Order(s.Now.AddMinutes(-1), id: "ord-x-2") with { PurchaseId = "sig-x-2", Customer = "dup-2", CustomerEmail = "Dup-2@example.com" },
            Make.Order(s.Now.AddMinutes(-2), id: "ord-x-3") with { PurchaseId = "sig-x-3", Customer = "someone", CustomerEmail = "dup-3@example.com", ResourceId = "dup-res" },
        ];
        foreach (var order in matching) await s.A.TryStoreOrderAsync(order);
        await s.A.TryStoreOrderAsync(Make.Order(s.Now, id: "ord-x-4") with { Customer = "du-p", CustomerEmail = null });

        var page = await s.A.ListOrdersFilteredAsync(null, "dup-", null, null, 10, 0);
        var paged = await s.A.ListOrdersFilteredAsync(null, "DUP-", null, null, 1, 1);
        var filtered = await s.A.ListOrdersFilteredAsync(matching[0].Status, "dup-", null, null, 10, 0);

        Assert.Equal(3, page.Total);
        Assert.Equal(matching.Select(o => o.Id), page.Items.Select(o => o.Id));
        Assert.Equal(3, paged.Total);
        Assert.Equal(["ord-x-2"], paged.Items.Select(o => o.Id));
        Assert.Equal(matching.Count(o => o.Status == matching[0].Status), filtered.Total);
    }

    [Fact]
    public async Task Search_text_is_trimmed()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Customer = "Alice" };
        await s.A.TryStoreOrderAsync(order);
        await s.A.TryStoreOrderAsync(Make.Order(s.Now) with { Customer = "Bob", CustomerEmail = "bob@example.com" });

        var page = await s.A.ListOrdersFilteredAsync(null, "  alice \t", null, null, 10, 0);

        Assert.Equal([order.Id], page.Items.Select(o => o.Id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task An_empty_search_is_no_filter(string? search)
    {
        await using var s = await OpenAsync();
        await s.A.TryStoreOrderAsync(Make.Order(s.Now));
        await s.A.TryStoreOrderAsync(Make.Order(s.Now));

        var page = await s.A.ListOrdersFilteredAsync(null, search, null, null, 10, 0);

        Assert.Equal(2, page.Total);
    }

    [Theory]
    [InlineData("50%", "cust-50%-off", "cust-500-off")]
    [InlineData("a_b", "cust-a_b", "cust-axb")]
    [InlineData("a\\b", "cust-a\\b", "cust-ab")]
    [InlineData("o'brien", "cust-O'Brien", "cust-obrien")]
    [InlineData("%", "cust-100%", "cust-100")]
    [InlineData("_", "cust_x", "cust-x")]
    [InlineData("\\", "cust\\x", "cust-x")]
    [InlineData("'; drop table orders; --", "x'; DROP TABLE orders; --y", "x drop table orders")]
    // Full-text query syntax (SQLite's trigram index sees the term as one quoted phrase) is plain text too.
    [InlineData("\"quo", "cust-\"Quoted\"", "cust-quoted")]
    [InlineData("a*b", "cust-a*b", "cust-aab")]
    [InlineData("x OR y", "cust-x or y", "cust-x")]
    [InlineData("NEAR(", "cust-near(1)", "cust-near 1")]
    [InlineData("-min", "cust--minus", "cust minus")]
    public async Task Search_wildcards_quotes_and_backslashes_match_literally(string search, string matching, string notMatching)
    {
        await using var s = await OpenAsync();
        var hit = Make.Order(s.Now) with { Customer = matching, CustomerEmail = null };
        var miss = Make.Order(s.Now) with { Customer = notMatching, CustomerEmail = null };
        await s.A.TryStoreOrderAsync(hit);
        await s.A.TryStoreOrderAsync(miss);

        var page = await s.A.ListOrdersFilteredAsync(null, search, null, null, 10, 0);

        Assert.Equal([hit.Id], page.Items.Select(o => o.Id));
        Assert.Equal(1, page.Total);
        Assert.Equal(2, (await s.A.ListOrdersAsync(10, 0)).Count);
    }

    [Fact]
    public async Task Created_after_is_inclusive_and_created_before_is_exclusive()
    {
        await using var s = await OpenAsync();
        var t = s.Now;
        var early = Make.Order(t, id: "o-early") with { CreatedAt = t.AddMicroseconds(-1) };
        var atStart = Make.Order(t, id: "o-start") with { CreatedAt = t };
        var middle = Make.Order(t, id: "o-middle") with { CreatedAt = t.AddMinutes(5) };
        var beforeEnd = Make.Order(t, id: "o-before-end") with { CreatedAt = t.AddMinutes(10).AddMicroseconds(-1) };
        var atEnd = Make.Order(t, id: "o-end") with { CreatedAt = t.AddMinutes(10) };
        foreach (var o in new[] { early, atStart, middle, beforeEnd, atEnd }) await s.A.TryStoreOrderAsync(o);

        var page = await s.A.ListOrdersFilteredAsync(null, null, createdBefore: t.AddMinutes(10), createdAfter: t, 10, 0);

        Assert.Equal(["o-before-end", "o-middle", "o-start"], page.Items.Select(o => o.Id));
        Assert.Equal(3, page.Total);
        Assert.Equal(["o-end", "o-before-end", "o-middle", "o-start"],
            (await s.A.ListOrdersFilteredAsync(null, null, null, t, 10, 0)).Items.Select(o => o.Id));
        Assert.Equal(["o-before-end", "o-middle", "o-start", "o-early"],
            (await s.A.ListOrdersFilteredAsync(null, null, t.AddMinutes(10), null, 10, 0)).Items.Select(o => o.Id));
    }

    [Fact]
    public async Task Filters_combine_with_and()
    {
        await using var s = await OpenAsync();
        var t = s.Now;
        var all = Make.Order(t, id: "o-all") with { Status = OrderStatus.Paid, Customer = "alice", CreatedAt = t };
        var wrongStatus = Make.Order(t, id: "o-status") with { Status = OrderStatus.Created, Customer = "alice", CreatedAt = t };
        var wrongSearch = Make.Order(t, id: "o-search") with { Status = OrderStatus.Paid, Customer = "bob", CustomerEmail = null, CreatedAt = t };
        var wrongTime = Make.Order(t, id: "o-time") with { Status = OrderStatus.Paid, Customer = "alice", CreatedAt = t.AddHours(-1) };
        foreach (var o in new[] { all, wrongStatus, wrongSearch, wrongTime }) await s.A.TryStoreOrderAsync(o);

        var page = await s.A.ListOrdersFilteredAsync(OrderStatus.Paid, "ALICE", t.AddMinutes(1), t.AddMinutes(-1), 10, 0);

        Assert.Equal(["o-all"], page.Items.Select(o => o.Id));
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task Filtered_results_are_newest_first_with_ties_broken_by_id_descending()
    {
        await using var s = await OpenAsync();
        var t = s.Now;
        await s.A.TryStoreOrderAsync(Make.Order(t, id: "f-1") with { CreatedAt = t });
        await s.A.TryStoreOrderAsync(Make.Order(t, id: "f-3") with { CreatedAt = t });
        await s.A.TryStoreOrderAsync(Make.Order(t, id: "f-2") with { CreatedAt = t.AddSeconds(1) });

        var page = await s.A.ListOrdersFilteredAsync(null, "f-", null, null, 10, 0);

        Assert.Equal(["f-2", "f-3", "f-1"], page.Items.Select(o => o.Id));
    }

    [Fact]
    public async Task The_total_counts_every_match_ignoring_limit_and_offset()
    {
        await using var s = await OpenAsync();
        for (var i = 0; i < 7; i++)
            await s.A.TryStoreOrderAsync(Make.Order(s.Now, id: $"p-{i}") with { Status = OrderStatus.Paid, CreatedAt = s.Now.AddSeconds(i) });
        await s.A.TryStoreOrderAsync(Make.Order(s.Now));

        var first = await s.A.ListOrdersFilteredAsync(OrderStatus.Paid, null, null, null, 3, 0);
        var last = await s.A.ListOrdersFilteredAsync(OrderStatus.Paid, null, null, null, 3, 6);
        var past = await s.A.ListOrdersFilteredAsync(OrderStatus.Paid, null, null, null, 3, 100);
        var none = await s.A.ListOrdersFilteredAsync(OrderStatus.Paid, null, null, null, 0, 0);

        Assert.Equal(["p-6", "p-5", "p-4"], first.Items.Select(o => o.Id));
        Assert.Equal(7, first.Total);
        Assert.Equal(["p-0"], last.Items.Select(o => o.Id));
        Assert.Equal(7, last.Total);
        Assert.Empty(past.Items);
        Assert.Equal(7, past.Total);
        Assert.Empty(none.Items);
        Assert.Equal(7, none.Total);
    }

    [Fact]
    public async Task An_empty_time_window_matches_nothing()
    {
        await using var s = await OpenAsync();
        await s.A.TryStoreOrderAsync(Make.Order(s.Now));

        var inverted = await s.A.ListOrdersFilteredAsync(null, null, createdBefore: s.Now.AddMinutes(-1), createdAfter: s.Now.AddMinutes(1), 10, 0);
        var empty = await s.A.ListOrdersFilteredAsync(null, null, createdBefore: s.Now, createdAfter: s.Now, 10, 0);

        Assert.Empty(inverted.Items);
        Assert.Equal(0, inverted.Total);
        Assert.Empty(empty.Items);
        Assert.Equal(0, empty.Total);
    }

    [Fact]
    public async Task An_oversized_search_or_an_undefined_status_filter_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.ListOrdersFilteredAsync(null, new string('s', Limits.MaxTextLength + 1), null, null, 10, 0));
        await ExpectKind.Validation(() => s.A.ListOrdersFilteredAsync((OrderStatus)42, null, null, null, 10, 0));
    }

    [Fact]
    public async Task Looking_up_an_order_with_an_empty_id_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.GetOrderAsync(""));
        await ExpectKind.Validation(() => s.A.GetOrderByPurchaseAsync("x402", ""));
        await ExpectKind.Validation(() => s.A.GetOrderByPurchaseAsync("", "sig-1"));
        await ExpectKind.Validation(() => s.A.UpdateOrderStatusAsync("", OrderStatus.Paid, s.Now, s.Now));
        await ExpectKind.Validation(() => s.A.ListOrderHistoryAsync("", 10));
    }

    // ---- status updates ----

    [Theory]
    [MemberData(nameof(OrderTransitions.Allowed), MemberType = typeof(OrderTransitions))]
    public async Task Every_allowed_transition_is_applied(OrderStatus from, OrderStatus to)
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Status = from };
        await s.A.TryStoreOrderAsync(order);
        var statusAt = s.Now.AddMinutes(1);
        var updatedAt = s.Now.AddMinutes(2);

        await s.A.UpdateOrderStatusAsync(order.Id, to, statusAt, updatedAt);

        Assert.Equivalent(InA(order) with { Status = to, StatusUpdatedAt = statusAt, UpdatedAt = updatedAt },
            await s.A.GetOrderAsync(order.Id), strict: true);
    }

    [Theory]
    [MemberData(nameof(OrderTransitions.Forbidden), MemberType = typeof(OrderTransitions))]
    public async Task Every_forbidden_transition_fails_with_Validation_and_changes_nothing(OrderStatus from, OrderStatus to)
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Status = from };
        await s.A.TryStoreOrderAsync(order);

        await ExpectKind.Validation(() => s.A.UpdateOrderStatusAsync(order.Id, to, s.Now.AddMinutes(1), s.Now.AddMinutes(1)));

        Assert.Equivalent(InA(order), await s.A.GetOrderAsync(order.Id), strict: true);
    }

    [Theory]
    [InlineData(OrderStatus.Created)]
    [InlineData(OrderStatus.Paid)]
    [InlineData(OrderStatus.Delivered)]
    [InlineData(OrderStatus.Refunded)]
    public async Task Setting_the_same_status_again_is_a_no_op(OrderStatus status)
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Status = status };
        await s.A.TryStoreOrderAsync(order);

        await s.A.UpdateOrderStatusAsync(order.Id, status, s.Now.AddHours(1), s.Now.AddHours(1));

        Assert.Equivalent(InA(order), await s.A.GetOrderAsync(order.Id), strict: true);
    }

    [Fact]
    public async Task Updating_the_status_of_a_missing_order_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        var ex = await ExpectKind.NotFound(() => s.A.UpdateOrderStatusAsync("order-missing", OrderStatus.Paid, s.Now, s.Now));
        Assert.Contains("order-missing", ex.Message, StringComparison.Ordinal);
        Assert.Null(await s.A.GetOrderAsync("order-missing"));
    }

    [Fact]
    public async Task An_order_walks_its_whole_lifecycle()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        foreach (var next in new[] { OrderStatus.Paid, OrderStatus.Processing, OrderStatus.Fulfilled, OrderStatus.Shipped, OrderStatus.Delivered })
        {
            s.Time.Advance(TimeSpan.FromMinutes(1));
            await s.A.UpdateOrderStatusAsync(order.Id, next, s.Now, s.Now);
            Assert.Equal(next, (await s.A.GetOrderAsync(order.Id))!.Status);
        }

        await ExpectKind.Validation(() => s.A.UpdateOrderStatusAsync(order.Id, OrderStatus.Refunded, s.Now, s.Now));
    }

    [Fact]
    public async Task Status_times_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);
        var raw = Start.AddMinutes(1).AddTicks(7);

        await s.A.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, raw, raw.AddTicks(1));

        var read = (await s.A.GetOrderAsync(order.Id))!;
        Assert.Equal(StorageTime.Micro(raw), read.StatusUpdatedAt);
        Assert.Equal(StorageTime.Micro(raw.AddTicks(1)), read.UpdatedAt);
    }

    [Fact]
    public async Task An_undefined_status_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        await ExpectKind.Validation(() => s.A.UpdateOrderStatusAsync(order.Id, (OrderStatus)42, s.Now, s.Now));
        await ExpectKind.Validation(() => s.A.UpdateOrderStatusWithHistoryAsync(order.Id, (OrderStatus)42, s.Now));

        Assert.Equal(OrderStatus.Created, (await s.A.GetOrderAsync(order.Id))!.Status);
        Assert.Empty(await s.A.ListOrderHistoryAsync(order.Id, 10));
    }

    // ---- history ----

    [Fact]
    public async Task An_appended_history_entry_reads_back_field_for_field()
    {
        await using var s = await OpenAsync();
        var entry = History(s.Now, "order-1", OrderStatus.Paid, OrderStatus.Processing) with { Note = "packing 'now'", Actor = "admin@x" };

        await s.A.AppendOrderHistoryAsync(entry);

        var list = await s.A.ListOrderHistoryAsync("order-1", 10);
        Assert.Equivalent(new[] { entry with { TenantId = "tenant-a" } }, list, strict: true);
    }

    [Fact]
    public async Task History_is_listed_newest_first_with_ties_broken_by_id_descending_and_limited()
    {
        await using var s = await OpenAsync();
        var t = s.Now;
        await s.A.AppendOrderHistoryAsync(History(t, "order-1", OrderStatus.Created, OrderStatus.Paid, id: "h-a"));
        await s.A.AppendOrderHistoryAsync(History(t.AddSeconds(2), "order-1", OrderStatus.Paid, OrderStatus.Processing, id: "h-b"));
        await s.A.AppendOrderHistoryAsync(History(t, "order-1", OrderStatus.Created, OrderStatus.Paid, id: "h-c"));
        await s.A.AppendOrderHistoryAsync(History(t.AddSeconds(5), "order-2", OrderStatus.Created, OrderStatus.Paid, id: "h-d"));

        Assert.Equal(["h-b", "h-c", "h-a"], (await s.A.ListOrderHistoryAsync("order-1", 10)).Select(h => h.Id));
        Assert.Equal(["h-b", "h-c"], (await s.A.ListOrderHistoryAsync("order-1", 2)).Select(h => h.Id));
        Assert.Empty(await s.A.ListOrderHistoryAsync("order-1", 0));
        Assert.Empty(await s.A.ListOrderHistoryAsync("order-none", 10));
    }

    [Fact]
    public async Task Appending_a_history_entry_id_twice_fails_with_Conflict_and_keeps_the_first()
    {
        await using var s = await OpenAsync();
        var first = History(s.Now, "order-1", OrderStatus.Created, OrderStatus.Paid);
        await s.A.AppendOrderHistoryAsync(first);

        var ex = await ExpectKind.Conflict(() => s.A.AppendOrderHistoryAsync(first with { Note = "changed" }));
        Assert.Equal($"order history entry '{first.Id}' already exists.", ex.Message);

        Assert.Null((await s.A.ListOrderHistoryAsync("order-1", 10)).Single().Note);
    }

    [Fact]
    public async Task An_invalid_history_entry_fails_with_Validation_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        var entry = History(s.Now, "order-1", OrderStatus.Created, OrderStatus.Paid);

        await ExpectKind.Validation(() => s.A.AppendOrderHistoryAsync(entry with { Id = "" }));
        await ExpectKind.Validation(() => s.A.AppendOrderHistoryAsync(entry with { Note = new string('n', Limits.MaxTextLength + 1) }));
        await ExpectKind.Validation(() => s.A.AppendOrderHistoryAsync(entry with { ToStatus = (OrderStatus)42 }));
        await ExpectKind.Validation(() => s.A.ListOrderHistoryAsync("order-1", 1001));

        Assert.Empty(await s.A.ListOrderHistoryAsync("order-1", 10));
    }

    [Fact]
    public async Task History_is_invisible_to_another_tenant_and_lands_in_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var entry = History(s.Now, "order-1", OrderStatus.Created, OrderStatus.Paid) with { TenantId = "tenant-b" };

        await s.A.AppendOrderHistoryAsync(entry);
        await s.B.AppendOrderHistoryAsync(entry with { Note = "b's own" });

        Assert.Equal("tenant-a", (await s.A.ListOrderHistoryAsync("order-1", 10)).Single().TenantId);
        Assert.Null((await s.A.ListOrderHistoryAsync("order-1", 10)).Single().Note);
        Assert.Equal("b's own", (await s.B.ListOrderHistoryAsync("order-1", 10)).Single().Note);
    }

    [Fact]
    public async Task History_instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        await s.A.AppendOrderHistoryAsync(History(Start.AddTicks(9), "order-1", OrderStatus.Created, OrderStatus.Paid));

        Assert.Equal(StorageTime.Micro(Start.AddTicks(9)), (await s.A.ListOrderHistoryAsync("order-1", 1)).Single().CreatedAt);
    }

    // ---- status with history ----

    [Fact]
    public async Task A_status_change_with_history_writes_both()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);
        var at = Start.AddMinutes(3).AddTicks(5);

        var entry = await s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, at, "paid on chain", "worker-1");

        Assert.NotNull(entry);
        Assert.False(string.IsNullOrEmpty(entry.Id));
        Assert.Equal("tenant-a", entry.TenantId);
        Assert.Equal(order.Id, entry.OrderId);
        Assert.Equal(OrderStatus.Created, entry.FromStatus);
        Assert.Equal(OrderStatus.Paid, entry.ToStatus);
        Assert.Equal("paid on chain", entry.Note);
        Assert.Equal("worker-1", entry.Actor);
        Assert.Equal(StorageTime.Micro(at), entry.CreatedAt);
        Assert.Equivalent(new[] { entry }, await s.A.ListOrderHistoryAsync(order.Id, 10), strict: true);
        var read = (await s.A.GetOrderAsync(order.Id))!;
        Assert.Equal(OrderStatus.Paid, read.Status);
        Assert.Equal(StorageTime.Micro(at), read.StatusUpdatedAt);
        Assert.Equal(StorageTime.Micro(at), read.UpdatedAt);
    }

    [Fact]
    public async Task Note_and_actor_are_optional()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        var entry = await s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, s.Now);

        Assert.Null(entry!.Note);
        Assert.Null(entry.Actor);
    }

    [Fact]
    public async Task Successive_changes_record_each_transition_newest_first_with_distinct_ids()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        await s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, s.Now.AddMinutes(1));
        await s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Processing, s.Now.AddMinutes(2));
        await s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Refunded, s.Now.AddMinutes(3));

        var history = await s.A.ListOrderHistoryAsync(order.Id, 10);
        Assert.Equal([(OrderStatus.Processing, OrderStatus.Refunded), (OrderStatus.Paid, OrderStatus.Processing), (OrderStatus.Created, OrderStatus.Paid)],
            history.Select(h => (h.FromStatus, h.ToStatus)));
        Assert.Equal(3, history.Select(h => h.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_status_change_with_history_to_the_same_status_returns_null_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Status = OrderStatus.Paid };
        await s.A.TryStoreOrderAsync(order);

        Assert.Null(await s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, s.Now.AddHours(1), "again"));

        Assert.Empty(await s.A.ListOrderHistoryAsync(order.Id, 10));
        Assert.Equivalent(InA(order), await s.A.GetOrderAsync(order.Id), strict: true);
    }

    [Fact]
    public async Task A_forbidden_status_change_with_history_fails_with_Validation_and_writes_neither()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        await ExpectKind.Validation(() => s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Shipped, s.Now.AddHours(1)));

        Assert.Empty(await s.A.ListOrderHistoryAsync(order.Id, 10));
        Assert.Equivalent(InA(order), await s.A.GetOrderAsync(order.Id), strict: true);
    }

    [Fact]
    public async Task A_status_change_with_history_of_a_missing_order_fails_with_NotFound_and_writes_no_entry()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.UpdateOrderStatusWithHistoryAsync("order-missing", OrderStatus.Paid, s.Now));
        Assert.Empty(await s.A.ListOrderHistoryAsync("order-missing", 10));
    }

    [Fact]
    public async Task A_status_change_with_an_oversized_note_fails_with_Validation_and_writes_neither()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        await ExpectKind.Validation(() =>
            s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, s.Now, note: new string('n', Limits.MaxTextLength + 1)));

        Assert.Equal(OrderStatus.Created, (await s.A.GetOrderAsync(order.Id))!.Status);
        Assert.Empty(await s.A.ListOrderHistoryAsync(order.Id, 10));
    }

    private static OrderHistoryEntry History(DateTimeOffset at, string orderId, OrderStatus from, OrderStatus to, string? id = null) => new()
    {
        Id = id ?? Make.Id("hist"),
        OrderId = orderId,
        FromStatus = from,
        ToStatus = to,
        CreatedAt = at,
    };

    // ---- compare-and-set status updates ----

    [Fact]
    public async Task A_compare_and_set_applies_while_the_order_is_in_the_expected_status()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Status = OrderStatus.Paid };
        await s.A.TryStoreOrderAsync(order);
        var statusAt = s.Now.AddMinutes(1);
        var updatedAt = s.Now.AddMinutes(2);

        await s.A.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, OrderStatus.Processing, statusAt, updatedAt);

        Assert.Equivalent(InA(order) with { Status = OrderStatus.Processing, StatusUpdatedAt = statusAt, UpdatedAt = updatedAt },
            await s.A.GetOrderAsync(order.Id), strict: true);
    }

    [Fact]
    public async Task Two_admins_moving_the_same_paid_order_cannot_both_apply()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Status = OrderStatus.Paid };
        await s.A.TryStoreOrderAsync(order);

        await s.A.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, OrderStatus.Processing, s.Now, s.Now);
        // The second admin still believes the order is paid: processing → cancelled would be allowed, but not from here.
        var ex = await ExpectKind.Conflict(() => s.A.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, OrderStatus.Cancelled,
            s.Now.AddMinutes(1), s.Now.AddMinutes(1)));
        Assert.Contains(order.Id, ex.Message, StringComparison.Ordinal);
        Assert.Contains("processing", ex.Message, StringComparison.Ordinal);

        var read = (await s.A.GetOrderAsync(order.Id))!;
        Assert.Equal(OrderStatus.Processing, read.Status);
        Assert.Equal(s.Now, read.StatusUpdatedAt);
    }

    [Fact]
    public async Task Concurrent_compare_and_sets_from_the_same_status_let_exactly_one_win()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Status = OrderStatus.Paid };
        await s.A.TryStoreOrderAsync(order);
        OrderStatus[] targets = [OrderStatus.Processing, OrderStatus.Cancelled, OrderStatus.Refunded];

        var outcomes = await Races.RunAsync(12, i =>
            s.A.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, targets[i % 3], s.Now, s.Now).ContinueWith(t =>
            {
                if (t.Exception is { } e) throw e.InnerException!;
                return targets[i % 3];
            }, TaskScheduler.Default));

        var winners = outcomes.Where(o => o.Error is null).ToList();
        var winner = Assert.Single(winners);
        Assert.All(outcomes.Where(o => o.Error is not null),
            o => Assert.Equal(StorageErrorKind.Conflict, Assert.IsAssignableFrom<StorageException>(o.Error).Kind));
        Assert.Equal(winner.Result, (await s.A.GetOrderAsync(order.Id))!.Status);
    }

    [Fact]
    public async Task A_compare_and_set_checks_the_rule_the_missing_order_and_the_same_status()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Status = OrderStatus.Paid };
        await s.A.TryStoreOrderAsync(order);

        // The rule forbids expected → status: Validation, whatever is stored.
        await ExpectKind.Validation(() => s.A.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, OrderStatus.Delivered, s.Now, s.Now));
        await ExpectKind.Validation(() => s.A.UpdateOrderStatusAsync(order.Id, (OrderStatus)99, OrderStatus.Paid, s.Now, s.Now));
        // Missing → NotFound; another tenant's order is missing for this tenant.
        await ExpectKind.NotFound(() => s.A.UpdateOrderStatusAsync("order-missing", OrderStatus.Paid, OrderStatus.Processing, s.Now, s.Now));
        await ExpectKind.NotFound(() => s.B.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, OrderStatus.Processing, s.Now, s.Now));
        // expected = status: a no-op while it holds, Conflict when it does not.
        await s.A.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, OrderStatus.Paid, s.Now.AddHours(1), s.Now.AddHours(1));
        await ExpectKind.Conflict(() => s.A.UpdateOrderStatusAsync(order.Id, OrderStatus.Created, OrderStatus.Created, s.Now, s.Now));

        Assert.Equivalent(InA(order), await s.A.GetOrderAsync(order.Id), strict: true);
    }

    [Fact]
    public async Task A_compare_and_set_with_history_writes_both_or_neither()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { Status = OrderStatus.Paid };
        await s.A.TryStoreOrderAsync(order);
        var at = s.Now.AddMinutes(1);

        var entry = await s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, OrderStatus.Processing, at, "packing", "ada");
        Assert.NotNull(entry);
        Assert.Equal((OrderStatus.Paid, OrderStatus.Processing, at), (entry.FromStatus, entry.ToStatus, entry.CreatedAt));

        await ExpectKind.Conflict(() => s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, OrderStatus.Cancelled, at, "oops", "bob"));
        await ExpectKind.NotFound(() => s.A.UpdateOrderStatusWithHistoryAsync("order-missing", OrderStatus.Paid, OrderStatus.Cancelled, at));
        await ExpectKind.Validation(() => s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Processing, OrderStatus.Paid, at));
        Assert.Null(await s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Processing, OrderStatus.Processing, at));

        Assert.Equal(OrderStatus.Processing, (await s.A.GetOrderAsync(order.Id))!.Status);
        Assert.Equal([entry.Id], (await s.A.ListOrderHistoryAsync(order.Id, 10)).Select(h => h.Id));
    }

    // ---- unset creation times ----

    [Fact]
    public async Task An_order_saved_without_times_is_created_now()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now.AddDays(-3)) with { CreatedAt = default, UpdatedAt = null, StatusUpdatedAt = null };
        await s.A.TryStoreOrderAsync(order);

        var read = (await s.A.GetOrderAsync(order.Id))!;
        Assert.Equal(s.Now, read.CreatedAt);
        // The update times are nullable: unset means "never updated", and stays so.
        Assert.Null(read.UpdatedAt);
        Assert.Null(read.StatusUpdatedAt);
        // It is listed as a new order, not as one from year 1.
        Assert.Equal(order.Id, (await s.A.ListOrdersFilteredAsync(null, null, null, s.Now, 10, 0)).Items.Single().Id);
    }

    [Fact]
    public async Task History_written_without_a_time_is_created_now()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);
        s.Time.Advance(TimeSpan.FromMinutes(5));

        await s.A.AppendOrderHistoryAsync(new OrderHistoryEntry
        {
            Id = Make.Id("hist"), OrderId = order.Id, FromStatus = OrderStatus.Created, ToStatus = OrderStatus.Paid,
        });
        var entry = await s.A.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Paid, default);

        Assert.NotNull(entry);
        Assert.Equal(s.Now, entry.CreatedAt);
        Assert.Equal(s.Now, (await s.A.GetOrderAsync(order.Id))!.StatusUpdatedAt);
        var history = await s.A.ListOrderHistoryAsync(order.Id, 10);
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.Equal(s.Now, h.CreatedAt));
    }
}

/// <summary>Every pair of distinct order statuses, split by the transition rule.</summary>
public static class OrderTransitions
{
    private static readonly (OrderStatus From, OrderStatus To)[] AllowedPairs =
    [
        (OrderStatus.Created, OrderStatus.Paid), (OrderStatus.Paid, OrderStatus.Processing),
        (OrderStatus.Processing, OrderStatus.Fulfilled), (OrderStatus.Fulfilled, OrderStatus.Shipped),
        (OrderStatus.Shipped, OrderStatus.Delivered), (OrderStatus.Paid, OrderStatus.Cancelled),
        (OrderStatus.Processing, OrderStatus.Cancelled), (OrderStatus.Paid, OrderStatus.Refunded),
        (OrderStatus.Processing, OrderStatus.Refunded), (OrderStatus.Fulfilled, OrderStatus.Refunded),
        (OrderStatus.Shipped, OrderStatus.Refunded),
    ];

    /// <summary>The eleven transitions of contract §3.</summary>
    public static TheoryData<OrderStatus, OrderStatus> Allowed
    {
        get
        {
            var data = new TheoryData<OrderStatus, OrderStatus>();
            foreach (var (from, to) in AllowedPairs) data.Add(from, to);
            return data;
        }
    }

    /// <summary>Every other pair of distinct statuses.</summary>
    public static TheoryData<OrderStatus, OrderStatus> Forbidden
    {
        get
        {
            var data = new TheoryData<OrderStatus, OrderStatus>();
            var all = Enum.GetValues<OrderStatus>();
            foreach (var from in all)
                foreach (var to in all)
                    if (from != to && !AllowedPairs.Contains((from, to))) data.Add(from, to);
            return data;
        }
    }
}
