using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §10: the coupon repository (single-caller semantics; races live in RaceConformance).</summary>
public abstract class CouponConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static Coupon Auto(DateTimeOffset now, string code) => Make.Coupon(now, code) with { AutoApply = true };

    private static async Task<string[]> AutoCodesAsync(ITenantStorage t, string productId, string method) =>
        (await t.Coupons.GetAutoApplyCouponsForPaymentAsync(productId, method)).Select(c => c.Code).ToArray();

    [Fact]
    public async Task A_created_coupon_reads_back_field_for_field()
    {
        await using var s = await OpenAsync();
        var coupon = Make.Coupon(s.Now, "SPRING10") with
        {
            DiscountType = CouponDiscountType.Fixed,
            DiscountValue = 2.5,
            Currency = "usd",
            Scope = CouponScope.Specific,
            ProductIds = ["prod-1", "prod-2"],
            PaymentMethod = "stripe",
            AutoApply = true,
            AppliesAt = "checkout",
            UsageLimit = 100,
            UsageCount = 3,
            StartsAt = s.Now.AddDays(-1),
            ExpiresAt = s.Now.AddDays(30),
        };
        await s.A.Coupons.CreateCouponAsync(coupon);

        Assert.Equivalent(coupon with { TenantId = "tenant-a" }, await s.A.Coupons.GetCouponAsync("SPRING10"), strict: true);
    }

    [Fact]
    public async Task Optional_fields_round_trip_as_null_or_empty()
    {
        await using var s = await OpenAsync();
        var coupon = new Coupon { Code = "PLAIN", CreatedAt = s.Now, UpdatedAt = s.Now };
        await s.A.Coupons.CreateCouponAsync(coupon);

        var read = await s.A.Coupons.GetCouponAsync("PLAIN");

        Assert.Equivalent(coupon with { TenantId = "tenant-a" }, read, strict: true);
        Assert.Null(read!.UsageLimit);
        Assert.Null(read.StartsAt);
        Assert.Empty(read.ProductIds);
        Assert.Equal("", read.PaymentMethod);
    }

    [Fact]
    public async Task Instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var raw = Start.AddTicks(4);
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "MICRO") with { StartsAt = raw, ExpiresAt = raw.AddDays(1), CreatedAt = raw, UpdatedAt = raw });

        var read = await s.A.Coupons.GetCouponAsync("MICRO");

        Assert.Equal(StorageTime.Micro(raw), read!.StartsAt);
        Assert.Equal(StorageTime.Micro(raw.AddDays(1)), read.ExpiresAt);
        Assert.Equal(StorageTime.Micro(raw), read.CreatedAt);
    }

    [Fact]
    public async Task Metadata_round_trips_exactly()
    {
        await using var s = await OpenAsync();
        var meta = Make.Meta(("rules", "{\"min\":1000}"), ("quote", "\"'"), ("emoji", "🏷️"), ("empty", ""));
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "META") with { Metadata = meta });

        Assert.Equivalent(meta, (await s.A.Coupons.GetCouponAsync("META"))!.Metadata, strict: true);
    }

    [Fact]
    public async Task Getting_a_missing_coupon_returns_null()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.Coupons.GetCouponAsync("NOPE"));
    }

    [Theory]
    [InlineData("save10")]
    [InlineData("SAVE10")]
    [InlineData("Save10")]
    [InlineData("sAvE10")]
    public async Task Codes_are_looked_up_case_insensitively_and_keep_their_spelling(string typed)
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "SAVE10"));

        var read = await s.A.Coupons.GetCouponAsync(typed);

        Assert.Equal("SAVE10", read!.Code);
    }

    [Fact]
    public async Task A_lower_case_code_is_stored_as_given()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "welcome.new-user_1"));

        Assert.Equal("welcome.new-user_1", (await s.A.Coupons.GetCouponAsync("WELCOME.NEW-USER_1"))!.Code);
    }

    [Fact]
    public async Task Case_folding_is_ascii_only()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "SAVE10"));

        // U+017F (long s) upper-cases to 'S' under Unicode rules; it must not find SAVE10.
        await ExpectKind.Validation(() => s.A.Coupons.GetCouponAsync("\u017Fave10"));
        await ExpectKind.Validation(() => s.A.Coupons.IncrementUsageAsync("\u017Fave10"));
        Assert.Equal(0, (await s.A.Coupons.GetCouponAsync("SAVE10"))!.UsageCount);
    }

    [Fact]
    public async Task Creating_a_code_that_differs_only_in_case_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "SAVE10"));

        await ExpectKind.Conflict(() => s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "save10") with { DiscountValue = 90 }));
        await ExpectKind.Conflict(() => s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "SAVE10")));

        var read = await s.A.Coupons.GetCouponAsync("save10");
        Assert.Equal(("SAVE10", 10d), (read!.Code, read.DiscountValue));
        Assert.Single(await s.A.Coupons.ListCouponsAsync());
    }

    [Fact]
    public async Task A_soft_deleted_coupon_still_holds_its_code()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "GONE"));
        await s.A.Coupons.DeleteCouponAsync("GONE");

        await ExpectKind.Conflict(() => s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "gone")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("per%cent")]
    [InlineData("quote'd")]
    [InlineData("ünïcode")]
    [InlineData("tab\t")]
    public async Task A_code_outside_1_to_64_chars_of_letters_digits_dot_dash_underscore_fails_with_Validation(string code)
    {
        await using var s = await OpenAsync();

        await ExpectKind.Validation(() => s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, code)));

        Assert.Empty(await s.A.Coupons.ListCouponsAsync());
    }

    [Fact]
    public async Task A_code_of_exactly_64_chars_is_accepted_and_65_is_not()
    {
        await using var s = await OpenAsync();
        var code = new string('A', 63) + "z";
        await ExpectKind.Validation(() => s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, code + "z")));
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, code));

        Assert.Equal(code, (await s.A.Coupons.GetCouponAsync(code.ToLowerInvariant()))!.Code);
    }

    [Theory]
    [InlineData("negative discount")]
    [InlineData("NaN discount")]
    [InlineData("infinite discount")]
    [InlineData("negative usage limit")]
    [InlineData("negative usage count")]
    [InlineData("empty product id")]
    [InlineData("unknown scope")]
    public async Task An_invalid_coupon_fails_with_Validation_and_writes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        var coupon = Make.Coupon(s.Now, "BAD1");
        var bad = problem switch
        {
            "negative discount" => coupon with { DiscountValue = -1 },
            "NaN discount" => coupon with { DiscountValue = double.NaN },
            "infinite discount" => coupon with { DiscountValue = double.PositiveInfinity },
            "negative usage limit" => coupon with { UsageLimit = -1 },
            "negative usage count" => coupon with { UsageCount = -1 },
            "empty product id" => coupon with { Scope = CouponScope.Specific, ProductIds = ["prod-1", ""] },
            _ => coupon with { Scope = (CouponScope)7 },
        };

        await ExpectKind.Validation(() => s.A.Coupons.CreateCouponAsync(bad));

        Assert.Null(await s.A.Coupons.GetCouponAsync("BAD1"));
    }

    [Fact]
    public async Task Active_coupons_are_listed_ordered_by_code_ignoring_case()
    {
        await using var s = await OpenAsync();
        foreach (var code in new[] { "gamma", "BETA", "alpha", "Delta", "ZETA" })
            await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, code));
        await s.A.Coupons.DeleteCouponAsync("zeta");

        Assert.Equal(["alpha", "BETA", "Delta", "gamma"], (await s.A.Coupons.ListCouponsAsync()).Select(c => c.Code));
    }

    [Fact]
    public async Task Deleting_soft_deletes_a_coupon_found_case_insensitively()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "BYE") with { AutoApply = true });

        await s.A.Coupons.DeleteCouponAsync("bye");

        Assert.Null(await s.A.Coupons.GetCouponAsync("BYE"));
        Assert.Empty(await s.A.Coupons.ListCouponsAsync());
        Assert.Empty(await AutoCodesAsync(s.A, "prod-1", ""));
        await s.A.Coupons.DeleteCouponAsync("BYE");
    }

    [Fact]
    public async Task Deleting_a_missing_coupon_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.Coupons.DeleteCouponAsync("NOPE"));
    }

    [Fact]
    public async Task Updating_replaces_the_fields_but_keeps_code_spelling_creation_time_and_usage()
    {
        await using var s = await OpenAsync();
        var coupon = Make.Coupon(s.Now, "SAVE10") with { UsageLimit = 10 };
        await s.A.Coupons.CreateCouponAsync(coupon);
        await s.A.Coupons.IncrementUsageAsync("SAVE10");
        s.Time.Advance(TimeSpan.FromMinutes(3));
        var changed = coupon with
        {
            Code = "save10",
            DiscountValue = 15,
            UsageLimit = 20,
            UsageCount = 0,
            AutoApply = true,
            Metadata = Make.Meta(("campaign", "summer")),
            CreatedAt = s.Now.AddDays(-9),
        };

        await s.A.Coupons.UpdateCouponAsync(changed);

        Assert.Equivalent(changed with { TenantId = "tenant-a", Code = "SAVE10", UsageCount = 1, CreatedAt = coupon.CreatedAt, UpdatedAt = s.Now },
            await s.A.Coupons.GetCouponAsync("SAVE10"), strict: true);
    }

    [Fact]
    public async Task Updating_a_missing_coupon_fails_with_NotFound_and_creates_nothing()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.Coupons.UpdateCouponAsync(Make.Coupon(s.Now, "NEW1")));
        Assert.Null(await s.A.Coupons.GetCouponAsync("NEW1"));
    }

    [Fact]
    public async Task An_update_can_reactivate_a_deleted_coupon()
    {
        await using var s = await OpenAsync();
        var coupon = Make.Coupon(s.Now, "BACK");
        await s.A.Coupons.CreateCouponAsync(coupon);
        await s.A.Coupons.DeleteCouponAsync("BACK");

        await s.A.Coupons.UpdateCouponAsync(coupon with { Active = true });

        Assert.NotNull(await s.A.Coupons.GetCouponAsync("BACK"));
    }

    [Fact]
    public async Task Incrementing_usage_returns_and_stores_the_new_count()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "USE") with { UsageLimit = 5, UsageCount = 2 });

        Assert.Equal(3, await s.A.Coupons.IncrementUsageAsync("USE"));
        Assert.Equal(4, await s.A.Coupons.IncrementUsageAsync("use"));

        Assert.Equal(4, (await s.A.Coupons.GetCouponAsync("USE"))!.UsageCount);
    }

    [Fact]
    public async Task Incrementing_at_the_limit_fails_with_LimitReached_and_leaves_the_count()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "LIMIT2") with { UsageLimit = 2 });
        await s.A.Coupons.IncrementUsageAsync("LIMIT2");
        await s.A.Coupons.IncrementUsageAsync("LIMIT2");

        var ex = await ExpectKind.LimitReached(() => s.A.Coupons.IncrementUsageAsync("LIMIT2"));
        await ExpectKind.LimitReached(() => s.A.Coupons.IncrementUsageAsync("LIMIT2"));

        Assert.IsType<StorageLimitReachedException>(ex, exactMatch: false);
        Assert.Equal(2, (await s.A.Coupons.GetCouponAsync("LIMIT2"))!.UsageCount);
    }

    [Fact]
    public async Task A_usage_limit_of_zero_allows_no_use()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "ZERO") with { UsageLimit = 0 });

        await ExpectKind.LimitReached(() => s.A.Coupons.IncrementUsageAsync("ZERO"));

        Assert.Equal(0, (await s.A.Coupons.GetCouponAsync("ZERO"))!.UsageCount);
    }

    [Fact]
    public async Task A_coupon_without_a_limit_can_be_used_any_number_of_times()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "FREE") with { UsageLimit = null });

        for (var i = 1; i <= 25; i++) Assert.Equal(i, await s.A.Coupons.IncrementUsageAsync("FREE"));
    }

    [Fact]
    public async Task Incrementing_a_missing_coupon_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.Coupons.IncrementUsageAsync("NOPE"));
    }

    [Fact]
    public async Task Auto_apply_lists_only_active_auto_apply_coupons()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "AUTO"));
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "MANUAL"));
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "DELETED"));
        await s.A.Coupons.DeleteCouponAsync("DELETED");
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "INACTIVE") with { Active = false });

        Assert.Equal(["AUTO"], await AutoCodesAsync(s.A, "prod-1", "stripe"));
    }

    [Fact]
    public async Task Auto_apply_includes_a_coupon_from_exactly_its_start()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "LATER") with { StartsAt = s.Now.AddMinutes(10) });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "NOW") with { StartsAt = s.Now });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "OPEN") with { StartsAt = null });

        Assert.Equal(["NOW", "OPEN"], await AutoCodesAsync(s.A, "prod-1", ""));

        s.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMicroseconds(1));
        Assert.Equal(["NOW", "OPEN"], await AutoCodesAsync(s.A, "prod-1", ""));

        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Equal(["LATER", "NOW", "OPEN"], await AutoCodesAsync(s.A, "prod-1", ""));
    }

    [Fact]
    public async Task Auto_apply_excludes_a_coupon_from_exactly_its_expiry()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "SOON") with { ExpiresAt = s.Now.AddMinutes(5) });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "FOREVER") with { ExpiresAt = null });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "PAST") with { ExpiresAt = s.Now.AddDays(-1) });

        s.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMicroseconds(1));
        Assert.Equal(["FOREVER", "SOON"], await AutoCodesAsync(s.A, "prod-1", ""));

        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Equal(["FOREVER"], await AutoCodesAsync(s.A, "prod-1", ""));
    }

    [Fact]
    public async Task Auto_apply_excludes_a_coupon_that_reached_its_usage_limit()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "ONCE") with { UsageLimit = 1 });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "TWICE") with { UsageLimit = 2, UsageCount = 1 });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "USEDUP") with { UsageLimit = 3, UsageCount = 3 });

        Assert.Equal(["ONCE", "TWICE"], await AutoCodesAsync(s.A, "prod-1", ""));

        await s.A.Coupons.IncrementUsageAsync("ONCE");
        Assert.Equal(["TWICE"], await AutoCodesAsync(s.A, "prod-1", ""));
    }

    [Fact]
    public async Task Auto_apply_matches_scope_all_or_a_listed_product()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "ALL"));
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "ONLY1") with { Scope = CouponScope.Specific, ProductIds = ["prod-1", "prod-3"] });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "ONLY2") with { Scope = CouponScope.Specific, ProductIds = ["prod-2"] });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "NONE") with { Scope = CouponScope.Specific, ProductIds = [] });

        Assert.Equal(["ALL", "ONLY1"], await AutoCodesAsync(s.A, "prod-1", ""));
        Assert.Equal(["ALL", "ONLY2"], await AutoCodesAsync(s.A, "prod-2", ""));
        Assert.Equal(["ALL"], await AutoCodesAsync(s.A, "PROD-1", ""));
        Assert.Equal(["ALL"], await AutoCodesAsync(s.A, "prod-9", ""));
    }

    [Fact]
    public async Task Auto_apply_matches_an_empty_or_equal_payment_method()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "ANY") with { PaymentMethod = "" });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "CARD") with { PaymentMethod = "stripe" });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "CRYPTO") with { PaymentMethod = "x402" });

        Assert.Equal(["ANY", "CARD"], await AutoCodesAsync(s.A, "prod-1", "stripe"));
        Assert.Equal(["ANY", "CRYPTO"], await AutoCodesAsync(s.A, "prod-1", "x402"));
        Assert.Equal(["ANY"], await AutoCodesAsync(s.A, "prod-1", "paypal"));
        Assert.Equal(["ANY"], await AutoCodesAsync(s.A, "prod-1", ""));
    }

    [Fact]
    public async Task Auto_apply_coupons_are_ordered_by_code()
    {
        await using var s = await OpenAsync();
        foreach (var code in new[] { "c-three", "A-one", "b-two", "D-four" })
            await s.A.Coupons.CreateCouponAsync(Auto(s.Now, code));

        Assert.Equal(["A-one", "b-two", "c-three", "D-four"], await AutoCodesAsync(s.A, "prod-1", ""));
    }

    [Fact]
    public async Task All_auto_apply_coupons_are_mapped_by_product_with_scope_all_under_star()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "ALL-B"));
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "all-a"));
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "P12") with { Scope = CouponScope.Specific, ProductIds = ["prod-1", "prod-2"] });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "P2") with { Scope = CouponScope.Specific, ProductIds = ["prod-2"] });
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "MANUAL") with { Scope = CouponScope.Specific, ProductIds = ["prod-3"] });

        var map = await s.A.Coupons.GetAllAutoApplyCouponsForPaymentAsync("stripe");

        Assert.Equal(["*", "prod-1", "prod-2"], map.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["all-a", "ALL-B"], map["*"].Select(c => c.Code));
        Assert.Equal(["P12"], map["prod-1"].Select(c => c.Code));
        Assert.Equal(["P12", "P2"], map["prod-2"].Select(c => c.Code));
    }

    [Fact]
    public async Task The_auto_apply_map_uses_the_same_filters()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "OK") with { Scope = CouponScope.Specific, ProductIds = ["prod-1"] });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "CARD") with { PaymentMethod = "stripe" });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "FUTURE") with { StartsAt = s.Now.AddDays(1) });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "EXPIRED") with { ExpiresAt = s.Now });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "FULL") with { UsageLimit = 1, UsageCount = 1 });
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "OFF") with { Active = false });

        var map = await s.A.Coupons.GetAllAutoApplyCouponsForPaymentAsync("x402");

        Assert.Equal(["prod-1"], map.Keys);
        Assert.Equal(["OK"], map["prod-1"].Select(c => c.Code));
    }

    [Fact]
    public async Task The_auto_apply_map_is_empty_without_coupons()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "MANUAL"));

        Assert.Empty(await s.A.Coupons.GetAllAutoApplyCouponsForPaymentAsync(""));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_a_coupon_in_any_read()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Auto(s.Now, "SAVE10"));

        Assert.Null(await s.B.Coupons.GetCouponAsync("SAVE10"));
        Assert.Empty(await s.B.Coupons.ListCouponsAsync());
        Assert.Empty(await AutoCodesAsync(s.B, "prod-1", ""));
        Assert.Empty(await s.B.Coupons.GetAllAutoApplyCouponsForPaymentAsync(""));
    }

    [Fact]
    public async Task Another_tenant_cannot_use_update_or_delete_a_coupon()
    {
        await using var s = await OpenAsync();
        var coupon = Make.Coupon(s.Now, "SAVE10") with { UsageLimit = 5 };
        await s.A.Coupons.CreateCouponAsync(coupon);

        await ExpectKind.NotFound(() => s.B.Coupons.IncrementUsageAsync("SAVE10"));
        await ExpectKind.NotFound(() => s.B.Coupons.UpdateCouponAsync(coupon with { DiscountValue = 100 }));
        await ExpectKind.NotFound(() => s.B.Coupons.DeleteCouponAsync("save10"));

        Assert.Equivalent(coupon with { TenantId = "tenant-a" }, await s.A.Coupons.GetCouponAsync("SAVE10"), strict: true);
    }

    [Fact]
    public async Task The_same_code_lives_independently_in_two_tenants()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "SAVE10") with { UsageLimit = 1 });
        await s.B.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "save10") with { UsageLimit = 3, DiscountValue = 50 });

        await s.A.Coupons.IncrementUsageAsync("SAVE10");
        await ExpectKind.LimitReached(() => s.A.Coupons.IncrementUsageAsync("SAVE10"));
        Assert.Equal(1, await s.B.Coupons.IncrementUsageAsync("SAVE10"));
        await s.B.Coupons.DeleteCouponAsync("SAVE10");

        var a = await s.A.Coupons.GetCouponAsync("save10");
        Assert.Equal(("SAVE10", 10d, 1), (a!.Code, a.DiscountValue, a.UsageCount));
        Assert.Null(await s.B.Coupons.GetCouponAsync("save10"));
    }

    [Fact]
    public async Task A_coupon_claiming_another_tenant_is_stored_under_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var coupon = Make.Coupon(s.Now, "MINE") with { TenantId = "tenant-b" };

        await s.A.Coupons.CreateCouponAsync(coupon);
        await s.A.Coupons.UpdateCouponAsync(coupon with { DiscountValue = 20 });

        Assert.Equal("tenant-a", (await s.A.Coupons.GetCouponAsync("MINE"))!.TenantId);
        Assert.Null(await s.B.Coupons.GetCouponAsync("MINE"));
    }

    [Fact]
    public async Task Usage_can_be_counted_on_a_deleted_or_expired_coupon_while_under_its_limit()
    {
        await using var s = await OpenAsync();
        await s.A.Coupons.CreateCouponAsync(Make.Coupon(s.Now, "LATE") with { UsageLimit = 2, ExpiresAt = s.Now.AddMinutes(1) });
        s.Time.Advance(TimeSpan.FromMinutes(2));
        await s.A.Coupons.DeleteCouponAsync("LATE");

        Assert.Equal(1, await s.A.Coupons.IncrementUsageAsync("LATE"));
        Assert.Equal(2, await s.A.Coupons.IncrementUsageAsync("late"));
        await ExpectKind.LimitReached(() => s.A.Coupons.IncrementUsageAsync("LATE"));
    }
}
