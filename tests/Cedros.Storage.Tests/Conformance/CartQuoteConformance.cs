using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §1: cart quotes.</summary>
public abstract class CartQuoteConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    [Fact]
    public async Task A_saved_quote_reads_back_field_for_field()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now) with
        {
            Items =
            [
                new CartItem { ResourceId = "prod-1", Quantity = 2, Price = 1_500_000, Asset = "USDC", Metadata = Make.Meta(("size", "L")) },
                new CartItem { ResourceId = "prod-2", Quantity = 1, Price = 0, Asset = "USDC" },
            ],
        };
        await s.A.SaveCartQuoteAsync(quote);

        var read = await s.A.GetCartQuoteAsync(quote.Id);

        Assert.Equivalent(quote with { TenantId = "tenant-a" }, read, strict: true);
        Assert.Null(read!.WalletPaidBy);
    }

    [Fact]
    public async Task A_quote_saved_without_a_creation_time_is_created_now()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now) with { CreatedAt = default };
        await s.A.SaveCartQuoteAsync(quote);
        var batch = Make.Cart(s.Now) with { CreatedAt = default };
        await s.A.SaveCartQuotesAsync([batch]);

        Assert.Equal(s.Now, (await s.A.GetCartQuoteAsync(quote.Id))!.CreatedAt);
        Assert.Equal(s.Now, (await s.A.GetCartQuoteAsync(batch.Id))!.CreatedAt);
    }

    [Fact]
    public async Task Getting_a_missing_cart_returns_null()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.GetCartQuoteAsync("cart-missing"));
    }

    [Fact]
    public async Task Saving_again_replaces_every_field()
    {
        await using var s = await OpenAsync();
        var first = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(first);
        var second = first with
        {
            Items = [new CartItem { ResourceId = "prod-9", Quantity = 5, Price = 10, Asset = "SOL" }],
            TotalAmount = 50,
            TotalAsset = "SOL",
            Metadata = EmptyMetadata.Instance,
            CreatedAt = s.Now.AddMinutes(1),
            ExpiresAt = s.Now.AddMinutes(30),
        };

        await s.A.SaveCartQuoteAsync(second);

        Assert.Equivalent(second with { TenantId = "tenant-a" }, await s.A.GetCartQuoteAsync(first.Id), strict: true);
    }

    [Fact]
    public async Task Instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var raw = Start.AddTicks(3); // Start already carries sub-microsecond ticks
        var quote = Make.Cart(s.Now) with { CreatedAt = raw, ExpiresAt = raw.AddMinutes(15) };
        await s.A.SaveCartQuoteAsync(quote);

        var read = await s.A.GetCartQuoteAsync(quote.Id);

        Assert.Equal(StorageTime.Micro(raw), read!.CreatedAt);
        Assert.Equal(StorageTime.Micro(raw.AddMinutes(15)), read.ExpiresAt);
        Assert.Equal(0, read.CreatedAt.Ticks % 10);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
    }

    [Fact]
    public async Task Instants_in_other_offsets_read_back_as_the_same_instant_in_utc()
    {
        await using var s = await OpenAsync();
        var local = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2));
        var quote = Make.Cart(s.Now) with { CreatedAt = local, ExpiresAt = local.AddHours(1) };
        await s.A.SaveCartQuoteAsync(quote);

        var read = await s.A.GetCartQuoteAsync(quote.Id);

        Assert.Equal(local, read!.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
    }

    [Fact]
    public async Task Metadata_and_item_metadata_round_trip_exactly()
    {
        await using var s = await OpenAsync();
        var meta = Make.Meta(("quote\"d", "va'lue"), ("emoji", "🛒 ünïcödé"), ("empty", ""), ("json", "{\"a\":[1,2]}"), ("back\\slash", "%_"));
        var quote = Make.Cart(s.Now) with
        {
            Metadata = meta,
            Items = [new CartItem { ResourceId = "prod-1", Quantity = 1, Price = 1, Asset = "USDC", Metadata = meta }],
        };
        await s.A.SaveCartQuoteAsync(quote);

        var read = await s.A.GetCartQuoteAsync(quote.Id);

        Assert.Equivalent(meta, read!.Metadata, strict: true);
        Assert.Equivalent(meta, read.Items[0].Metadata, strict: true);
    }

    [Fact]
    public async Task An_expired_quote_is_still_returned_and_is_expired_exactly_at_expires_at()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now) with { ExpiresAt = s.Now.AddMinutes(15) };
        await s.A.SaveCartQuoteAsync(quote);

        s.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromMicroseconds(1));
        var before = await s.A.GetCartQuoteAsync(quote.Id);
        Assert.False(before!.IsExpired(s.Now));

        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        var atBoundary = await s.A.GetCartQuoteAsync(quote.Id);
        Assert.NotNull(atBoundary);
        Assert.Equal(quote.ExpiresAt, s.Now);
        Assert.True(atBoundary.IsExpired(s.Now));

        s.Time.Advance(TimeSpan.FromDays(30));
        Assert.NotNull(await s.A.GetCartQuoteAsync(quote.Id));
    }

    [Fact]
    public async Task Marking_a_cart_paid_sets_the_paying_wallet()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);

        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");

        var read = await s.A.GetCartQuoteAsync(quote.Id);
        Assert.Equal("WalletPayer1", read!.WalletPaidBy);
        Assert.Equivalent(quote with { TenantId = "tenant-a", WalletPaidBy = "WalletPayer1" }, read, strict: true);
    }

    [Fact]
    public async Task Marking_a_missing_cart_paid_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        var ex = await ExpectKind.NotFound(() => s.A.MarkCartPaidAsync("cart-missing", "WalletPayer1"));
        Assert.IsType<StorageNotFoundException>(ex, exactMatch: false);
        Assert.Null(await s.A.GetCartQuoteAsync("cart-missing"));
    }

    [Fact]
    public async Task Marking_paid_again_with_the_same_wallet_is_a_no_op()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);
        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");

        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");

        Assert.Equal("WalletPayer1", (await s.A.GetCartQuoteAsync(quote.Id))!.WalletPaidBy);
    }

    [Fact]
    public async Task Marking_paid_with_another_wallet_fails_with_Conflict_and_keeps_the_first_payer()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);
        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");

        await ExpectKind.Conflict(() => s.A.MarkCartPaidAsync(quote.Id, "WalletThief2"));

        Assert.Equal("WalletPayer1", (await s.A.GetCartQuoteAsync(quote.Id))!.WalletPaidBy);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Marking_paid_requires_a_wallet_and_writes_nothing_without_one(string? wallet)
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);

        await ExpectKind.Validation(() => s.A.MarkCartPaidAsync(quote.Id, wallet!));

        Assert.Null((await s.A.GetCartQuoteAsync(quote.Id))!.WalletPaidBy);
    }

    [Fact]
    public async Task An_expired_cart_can_still_be_marked_paid()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);
        s.Time.Advance(TimeSpan.FromHours(1));

        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");

        Assert.True(await s.A.HasCartAccessAsync(quote.Id, "WalletPayer1"));
    }

    [Fact]
    public async Task Saving_over_a_paid_cart_fails_with_Conflict_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);
        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");

        await ExpectKind.Conflict(() => s.A.SaveCartQuoteAsync(quote with { TotalAmount = 1 }));
        await ExpectKind.Conflict(() => s.A.SaveCartQuoteAsync(quote with { WalletPaidBy = null }));

        var read = await s.A.GetCartQuoteAsync(quote.Id);
        Assert.Equal(quote.TotalAmount, read!.TotalAmount);
        Assert.Equal("WalletPayer1", read.WalletPaidBy);
    }

    [Fact]
    public async Task A_quote_saved_with_a_payer_is_paid()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now) with { WalletPaidBy = "WalletPayer1" };
        await s.A.SaveCartQuoteAsync(quote);

        Assert.True(await s.A.HasCartAccessAsync(quote.Id, "WalletPayer1"));
        await ExpectKind.Conflict(() => s.A.SaveCartQuoteAsync(quote));
    }

    [Fact]
    public async Task Cart_access_is_granted_only_to_the_exact_paying_wallet()
    {
        await using var s = await OpenAsync();
        var paid = Make.Cart(s.Now);
        var unpaid = Make.Cart(s.Now);
        await s.A.SaveCartQuotesAsync([paid, unpaid]);
        await s.A.MarkCartPaidAsync(paid.Id, "WalletPayer1");

        Assert.True(await s.A.HasCartAccessAsync(paid.Id, "WalletPayer1"));
        Assert.False(await s.A.HasCartAccessAsync(paid.Id, "walletpayer1"));
        Assert.False(await s.A.HasCartAccessAsync(paid.Id, "WalletPayer1 "));
        Assert.False(await s.A.HasCartAccessAsync(paid.Id, "WalletOther2"));
        Assert.False(await s.A.HasCartAccessAsync(unpaid.Id, "WalletPayer1"));
        Assert.False(await s.A.HasCartAccessAsync("cart-missing", "WalletPayer1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task An_empty_wallet_is_never_granted_access(string? wallet)
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);
        Assert.False(await s.A.HasCartAccessAsync(quote.Id, wallet!));
        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");
        Assert.False(await s.A.HasCartAccessAsync(quote.Id, wallet!));
    }

    [Fact]
    public async Task Expiry_does_not_revoke_a_paid_carts_access()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);
        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");

        s.Time.Advance(TimeSpan.FromDays(365));

        Assert.True(await s.A.HasCartAccessAsync(quote.Id, "WalletPayer1"));
    }

    [Fact]
    public async Task A_batch_saves_every_quote_and_they_read_back_in_input_order()
    {
        await using var s = await OpenAsync();
        var quotes = Enumerable.Range(0, 5).Select(_ => Make.Cart(s.Now)).ToArray();
        await s.A.SaveCartQuotesAsync(quotes);

        var ids = new[] { quotes[3].Id, "cart-missing", quotes[0].Id, quotes[4].Id };
        var read = await s.A.GetCartQuotesAsync(ids);

        Assert.Equal([quotes[3].Id, quotes[0].Id, quotes[4].Id], read.Select(q => q.Id));
        Assert.Equivalent(quotes[3] with { TenantId = "tenant-a" }, read[0], strict: true);
    }

    [Fact]
    public async Task Getting_quotes_lists_a_repeated_id_once()
    {
        await using var s = await OpenAsync();
        var a = Make.Cart(s.Now);
        var b = Make.Cart(s.Now);
        await s.A.SaveCartQuotesAsync([a, b]);

        var read = await s.A.GetCartQuotesAsync([b.Id, a.Id, b.Id]);

        Assert.Equal([b.Id, a.Id], read.Select(q => q.Id));
    }

    [Fact]
    public async Task Getting_no_quotes_returns_an_empty_list()
    {
        await using var s = await OpenAsync();
        Assert.Empty(await s.A.GetCartQuotesAsync([]));
        Assert.Empty(await s.A.GetCartQuotesAsync(["cart-missing"]));
    }

    [Fact]
    public async Task A_batch_also_replaces_existing_quotes()
    {
        await using var s = await OpenAsync();
        var existing = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(existing);
        var fresh = Make.Cart(s.Now);

        await s.A.SaveCartQuotesAsync([existing with { TotalAmount = 7 }, fresh]);

        Assert.Equal(7, (await s.A.GetCartQuoteAsync(existing.Id))!.TotalAmount);
        Assert.NotNull(await s.A.GetCartQuoteAsync(fresh.Id));
    }

    [Fact]
    public async Task A_batch_with_one_invalid_quote_writes_none_and_names_the_item()
    {
        await using var s = await OpenAsync();
        var good = Make.Cart(s.Now);
        var bad = Make.Cart(s.Now) with { TotalAmount = -1 };

        var ex = await ExpectKind.Validation(() => s.A.SaveCartQuotesAsync([good, bad]));

        Assert.Equal(1, Assert.IsType<StorageValidationException>(ex).ItemIndex);
        Assert.Null(await s.A.GetCartQuoteAsync(good.Id));
        Assert.Null(await s.A.GetCartQuoteAsync(bad.Id));
    }

    [Fact]
    public async Task A_batch_with_a_repeated_id_fails_with_Validation_and_writes_none()
    {
        await using var s = await OpenAsync();
        var other = Make.Cart(s.Now);
        var quote = Make.Cart(s.Now);

        await ExpectKind.Validation(() => s.A.SaveCartQuotesAsync([other, quote, quote with { TotalAmount = 1 }]));

        Assert.Null(await s.A.GetCartQuoteAsync(other.Id));
        Assert.Null(await s.A.GetCartQuoteAsync(quote.Id));
    }

    [Fact]
    public async Task A_batch_touching_a_paid_cart_fails_with_Conflict_and_writes_none()
    {
        await using var s = await OpenAsync();
        var paid = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(paid);
        await s.A.MarkCartPaidAsync(paid.Id, "WalletPayer1");
        var fresh = Make.Cart(s.Now);

        await ExpectKind.Conflict(() => s.A.SaveCartQuotesAsync([fresh, paid with { TotalAmount = 1 }]));

        Assert.Null(await s.A.GetCartQuoteAsync(fresh.Id));
        Assert.Equal(paid.TotalAmount, (await s.A.GetCartQuoteAsync(paid.Id))!.TotalAmount);
    }

    [Fact]
    public async Task An_empty_batch_is_a_no_op()
    {
        await using var s = await OpenAsync();
        await s.A.SaveCartQuotesAsync([]);
        Assert.Empty(await s.A.GetCartQuotesAsync(["cart-x"]));
    }

    [Theory]
    [InlineData("negative total")]
    [InlineData("quantity zero")]
    [InlineData("negative price")]
    [InlineData("item without resource")]
    [InlineData("asset too long")]
    [InlineData("metadata over 1 MiB")]
    [InlineData("items over 1 MiB")]
    public async Task An_invalid_quote_fails_with_Validation_and_writes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        var line = quote.Items[0];
        var bad = problem switch
        {
            "negative total" => quote with { TotalAmount = -5 },
            "quantity zero" => quote with { Items = [line with { Quantity = 0 }] },
            "negative price" => quote with { Items = [line with { Price = -1 }] },
            "item without resource" => quote with { Items = [line with { ResourceId = "" }] },
            "asset too long" => quote with { TotalAsset = new string('x', 4097) },
            // Every item's own metadata is well under the limit; together they are over it.
            "items over 1 MiB" => quote with { Items = [.. Enumerable.Range(0, 20).Select(i => line with { Metadata = Make.Meta(("note", new string('n', 60_000))) })] },
            _ => quote with { Metadata = Make.Meta(("big", new string('x', Limits.MaxDocumentBytes))) },
        };

        await ExpectKind.Validation(() => s.A.SaveCartQuoteAsync(bad));

        Assert.Null(await s.A.GetCartQuoteAsync(quote.Id));
    }

    [Fact]
    public async Task Items_just_under_1_MiB_are_stored_whole()
    {
        await using var s = await OpenAsync();
        var line = Make.Cart(s.Now).Items[0];
        var quote = Make.Cart(s.Now) with { Items = [.. Enumerable.Range(0, 16).Select(i => line with { Metadata = Make.Meta(("note", new string('n', 60_000))) })] };

        await s.A.SaveCartQuoteAsync(quote);

        var read = (await s.A.GetCartQuoteAsync(quote.Id))!;
        Assert.Equal(16, read.Items.Count);
        Assert.All(read.Items, item => Assert.Equal(60_000, item.Metadata["note"].Length));
    }

    [Fact]
    public async Task Cart_ids_must_be_1_to_255_characters()
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.SaveCartQuoteAsync(Make.Cart(s.Now, id: "")));
        await ExpectKind.Validation(() => s.A.SaveCartQuoteAsync(Make.Cart(s.Now, id: new string('c', 256))));
        await ExpectKind.Validation(() => s.A.SaveCartQuoteAsync(null!));

        var longest = new string('c', 255);
        await s.A.SaveCartQuoteAsync(Make.Cart(s.Now, id: longest));
        Assert.NotNull(await s.A.GetCartQuoteAsync(longest));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_a_quote()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);

        Assert.Null(await s.B.GetCartQuoteAsync(quote.Id));
        Assert.Empty(await s.B.GetCartQuotesAsync([quote.Id]));
    }

    [Fact]
    public async Task Another_tenant_cannot_mark_a_quote_paid_or_gain_access()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);

        await ExpectKind.NotFound(() => s.B.MarkCartPaidAsync(quote.Id, "WalletPayer1"));
        Assert.Null((await s.A.GetCartQuoteAsync(quote.Id))!.WalletPaidBy);

        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");
        Assert.False(await s.B.HasCartAccessAsync(quote.Id, "WalletPayer1"));
    }

    [Fact]
    public async Task The_same_cart_id_lives_independently_in_two_tenants()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);
        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");

        await s.B.SaveCartQuoteAsync(quote with { TotalAmount = 42 });
        await s.B.MarkCartPaidAsync(quote.Id, "WalletPayer2");

        var a = await s.A.GetCartQuoteAsync(quote.Id);
        var b = await s.B.GetCartQuoteAsync(quote.Id);
        Assert.Equal((3_000_000L, "WalletPayer1", "tenant-a"), (a!.TotalAmount, a.WalletPaidBy, a.TenantId));
        Assert.Equal((42L, "WalletPayer2", "tenant-b"), (b!.TotalAmount, b.WalletPaidBy, b.TenantId));
    }

    [Fact]
    public async Task A_batch_in_one_tenant_leaves_the_other_untouched()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now);
        await s.A.SaveCartQuoteAsync(quote);
        await s.A.MarkCartPaidAsync(quote.Id, "WalletPayer1");

        await s.B.SaveCartQuotesAsync([quote with { TotalAmount = 1 }]);

        Assert.Equal(quote.TotalAmount, (await s.A.GetCartQuoteAsync(quote.Id))!.TotalAmount);
        Assert.Equal(1, (await s.B.GetCartQuoteAsync(quote.Id))!.TotalAmount);
    }

    [Fact]
    public async Task A_quote_claiming_another_tenant_is_stored_under_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var quote = Make.Cart(s.Now) with { TenantId = "tenant-b" };

        await s.A.SaveCartQuoteAsync(quote);
        await s.A.SaveCartQuotesAsync([Make.Cart(s.Now, id: quote.Id + "-batch") with { TenantId = "tenant-b" }]);

        Assert.Equal("tenant-a", (await s.A.GetCartQuoteAsync(quote.Id))!.TenantId);
        Assert.Equal("tenant-a", (await s.A.GetCartQuoteAsync(quote.Id + "-batch"))!.TenantId);
        Assert.Null(await s.B.GetCartQuoteAsync(quote.Id));
        Assert.Null(await s.B.GetCartQuoteAsync(quote.Id + "-batch"));
    }

    [Fact]
    public async Task Reading_with_an_empty_or_overlong_id_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.GetCartQuoteAsync(""));
        await ExpectKind.Validation(() => s.A.GetCartQuoteAsync(new string('c', 256)));
        await ExpectKind.Validation(() => s.A.GetCartQuotesAsync(["cart-1", ""]));
        await ExpectKind.Validation(() => s.A.GetCartQuotesAsync(null!));
    }
}
