using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §5: inventory reservations.</summary>
public abstract class InventoryConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static readonly TimeSpan Micro = TimeSpan.FromMicroseconds(1);

    // ---- reserving ----

    [Fact]
    public async Task A_reservation_is_stored_active_and_listed_for_its_cart()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now, quantity: 3, variantId: "red");

        await s.A.ReserveInventoryAsync(reservation);

        var listed = await s.A.ListActiveReservationsForCartAsync(reservation.CartId!);
        Assert.Equivalent(new[] { reservation with { TenantId = "tenant-a", Status = ReservationStatus.Active, StatusUpdatedAt = null } }, listed, strict: true);
        Assert.Equal(3, await s.A.GetReservedQuantityAsync("prod-1", "red"));
    }

    [Theory]
    [InlineData(ReservationStatus.Released)]
    [InlineData(ReservationStatus.Converted)]
    public async Task A_new_reservation_always_starts_active(ReservationStatus given)
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now) with { Status = given, StatusUpdatedAt = s.Now };

        await s.A.ReserveInventoryAsync(reservation);

        var listed = Assert.Single(await s.A.ListActiveReservationsForCartAsync(reservation.CartId!));
        Assert.Equal(ReservationStatus.Active, listed.Status);
        Assert.Null(listed.StatusUpdatedAt);
    }

    [Fact]
    public async Task An_unset_creation_time_defaults_to_now()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now) with { CreatedAt = default };

        await s.A.ReserveInventoryAsync(reservation);

        Assert.Equal(s.Now, Assert.Single(await s.A.ListActiveReservationsForCartAsync(reservation.CartId!)).CreatedAt);
    }

    [Fact]
    public async Task Reservation_instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now) with { CreatedAt = Start.AddTicks(2), ExpiresAt = Start.AddMinutes(10).AddTicks(3) };

        await s.A.ReserveInventoryAsync(reservation);

        var read = Assert.Single(await s.A.ListActiveReservationsForCartAsync(reservation.CartId!));
        Assert.Equal(StorageTime.Micro(Start.AddTicks(2)), read.CreatedAt);
        Assert.Equal(StorageTime.Micro(Start.AddMinutes(10).AddTicks(3)), read.ExpiresAt);
    }

    public static TheoryData<string> InvalidReservations => new() { "zero-quantity", "negative-quantity", "no-id", "long-id", "no-product",
        "empty-variant", "empty-cart", "expires-now", "expired" };

    [Theory]
    [MemberData(nameof(InvalidReservations))]
    public async Task An_invalid_reservation_fails_with_Validation_and_writes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        var good = Make.Reservation(s.Now);
        var bad = problem switch
        {
            "zero-quantity" => good with { Quantity = 0 },
            "negative-quantity" => good with { Quantity = -2 },
            "no-id" => good with { Id = "" },
            "long-id" => good with { Id = new string('r', 256) },
            "no-product" => good with { ProductId = "" },
            "empty-variant" => good with { VariantId = "" },
            "empty-cart" => good with { CartId = "" },
            "expires-now" => good with { ExpiresAt = s.Now },
            _ => good with { ExpiresAt = s.Now.AddMinutes(-1) },
        };

        await ExpectKind.Validation(() => s.A.ReserveInventoryAsync(bad));
        await ExpectKind.Validation(() => s.A.ReserveInventoryAsync(bad, 100));
        await ExpectKind.Validation(() => s.A.ReserveInventoryAsync([bad], new Dictionary<StockKey, int> { [new(bad.ProductId, bad.VariantId)] = 100 }));

        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(good.CartId!));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    [Fact]
    public async Task An_expiry_one_microsecond_in_the_future_is_accepted()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now) with { ExpiresAt = s.Now + Micro };

        await s.A.ReserveInventoryAsync(reservation);

        Assert.Equal(1, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    [Fact]
    public async Task Reserving_an_existing_reservation_id_fails_with_Conflict_and_keeps_the_first()
    {
        await using var s = await OpenAsync();
        var first = Make.Reservation(s.Now, quantity: 2);
        await s.A.ReserveInventoryAsync(first);

        var ex = await ExpectKind.Conflict(() => s.A.ReserveInventoryAsync(first with { Quantity = 5 }));
        Assert.Equal($"inventory reservation '{first.Id}' already exists.", ex.Message);

        Assert.Equal(2, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    // ---- counting ----

    [Fact]
    public async Task The_reserved_quantity_sums_active_unexpired_reservations_of_the_product()
    {
        await using var s = await OpenAsync();
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 2));
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 3));
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, productId: "prod-2", quantity: 7));

        Assert.Equal(5, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Equal(7, await s.A.GetReservedQuantityAsync("prod-2"));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-none"));
    }

    [Fact]
    public async Task Stock_is_counted_per_product_and_variant()
    {
        await using var s = await OpenAsync();
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 1, variantId: "red"));
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 2, variantId: "red"));
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 4, variantId: "blue"));
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 8));

        Assert.Equal(3, await s.A.GetReservedQuantityAsync("prod-1", "red"));
        Assert.Equal(4, await s.A.GetReservedQuantityAsync("prod-1", "blue"));
        Assert.Equal(8, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1", "green"));
    }

    [Fact]
    public async Task A_reservation_stops_counting_exactly_at_its_expiry()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now, quantity: 4);
        await s.A.ReserveInventoryAsync(reservation);

        s.Time.Advance(TimeSpan.FromMinutes(10) - Micro);
        Assert.Equal(4, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Single(await s.A.ListActiveReservationsForCartAsync(reservation.CartId!));

        s.Time.Advance(Micro);
        Assert.Equal(reservation.ExpiresAt, s.Now);
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(reservation.CartId!));
    }

    // ---- reserving against stock ----

    [Fact]
    public async Task Reserving_up_to_the_available_stock_succeeds()
    {
        await using var s = await OpenAsync();
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 3), 5);
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 2), 5);

        Assert.Equal(5, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    [Fact]
    public async Task Reserving_beyond_the_available_stock_fails_with_LimitReached_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 4), 5);
        var tooMany = Make.Reservation(s.Now, quantity: 2);

        await ExpectKind.LimitReached(() => s.A.ReserveInventoryAsync(tooMany, 5));

        Assert.Equal(4, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(tooMany.CartId!));
    }

    [Fact]
    public async Task Zero_stock_admits_no_reservation()
    {
        await using var s = await OpenAsync();
        await ExpectKind.LimitReached(() => s.A.ReserveInventoryAsync(Make.Reservation(s.Now), 0));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    [Fact]
    public async Task Negative_available_stock_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.ReserveInventoryAsync(Make.Reservation(s.Now), -1));
        await ExpectKind.Validation(() => s.A.ReserveInventoryAsync([Make.Reservation(s.Now)], new Dictionary<StockKey, int> { [new("prod-1")] = -1 }));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    [Fact]
    public async Task The_stock_check_counts_only_the_same_variant()
    {
        await using var s = await OpenAsync();
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 5, variantId: "red"), 5);

        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 5, variantId: "blue"), 5);
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 5), 5);
        await ExpectKind.LimitReached(() => s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 1, variantId: "red"), 5));

        Assert.Equal(5, await s.A.GetReservedQuantityAsync("prod-1", "red"));
    }

    [Fact]
    public async Task Expired_released_and_converted_reservations_free_their_stock()
    {
        await using var s = await OpenAsync();
        var expiring = Make.Reservation(s.Now, quantity: 1) with { ExpiresAt = s.Now.AddMinutes(1) };
        var released = Make.Reservation(s.Now, quantity: 1);
        var converted = Make.Reservation(s.Now, quantity: 1);
        await s.A.ReserveInventoryAsync(expiring, 3);
        await s.A.ReserveInventoryAsync(released, 3);
        await s.A.ReserveInventoryAsync(converted, 3);
        await ExpectKind.LimitReached(() => s.A.ReserveInventoryAsync(Make.Reservation(s.Now), 3));

        await s.A.ReleaseInventoryReservationsAsync(released.CartId!, s.Now);
        await s.A.ConvertInventoryReservationsAsync(converted.CartId!, s.Now);
        s.Time.Advance(TimeSpan.FromMinutes(1));

        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 3), 3);
        Assert.Equal(3, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    // ---- reserving a cart ----

    [Fact]
    public async Task A_whole_cart_is_reserved_when_every_line_fits()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        var lines = new[]
        {
            Make.Reservation(s.Now, "prod-1", cart, 2, "red"),
            Make.Reservation(s.Now, "prod-2", cart, 1),
        };

        await s.A.ReserveInventoryAsync(lines, new Dictionary<StockKey, int> { [new("prod-1", "red")] = 2, [new("prod-2")] = 10 });

        Assert.Equal(lines.Select(l => l.Id).Order(StringComparer.Ordinal),
            (await s.A.ListActiveReservationsForCartAsync(cart)).Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(2, await s.A.GetReservedQuantityAsync("prod-1", "red"));
        Assert.Equal(1, await s.A.GetReservedQuantityAsync("prod-2"));
    }

    [Fact]
    public async Task A_cart_with_one_line_over_stock_reserves_nothing()
    {
        await using var s = await OpenAsync();
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, "prod-2", quantity: 4), 5);
        var cart = Make.Id("cart");
        var lines = new[]
        {
            Make.Reservation(s.Now, "prod-1", cart, 1),
            Make.Reservation(s.Now, "prod-2", cart, 2),
        };

        await ExpectKind.LimitReached(() => s.A.ReserveInventoryAsync(lines, new Dictionary<StockKey, int> { [new("prod-1")] = 10, [new("prod-2")] = 5 }));

        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Equal(4, await s.A.GetReservedQuantityAsync("prod-2"));
    }

    [Fact]
    public async Task A_cart_listing_one_product_twice_counts_both_lines()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        var lines = new[] { Make.Reservation(s.Now, "prod-1", cart, 3), Make.Reservation(s.Now, "prod-1", cart, 3) };
        var stock = new Dictionary<StockKey, int> { [new("prod-1")] = 5 };

        await ExpectKind.LimitReached(() => s.A.ReserveInventoryAsync(lines, stock));
        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));

        await s.A.ReserveInventoryAsync(lines, new Dictionary<StockKey, int> { [new("prod-1")] = 6 });
        Assert.Equal(6, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    [Fact]
    public async Task A_cart_line_without_a_stock_entry_fails_with_Validation_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        var lines = new[] { Make.Reservation(s.Now, "prod-1", cart), Make.Reservation(s.Now, "prod-1", cart, variantId: "red") };

        var ex = await ExpectKind.Validation(() => s.A.ReserveInventoryAsync(lines, new Dictionary<StockKey, int> { [new("prod-1")] = 10 }));

        Assert.Equal(1, ((StorageValidationException)ex).ItemIndex);
        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));
    }

    [Fact]
    public async Task A_cart_with_an_invalid_line_fails_with_Validation_naming_the_line_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        var lines = new[] { Make.Reservation(s.Now, "prod-1", cart), Make.Reservation(s.Now, "prod-1", cart, quantity: 0) };

        var ex = await ExpectKind.Validation(() => s.A.ReserveInventoryAsync(lines, new Dictionary<StockKey, int> { [new("prod-1")] = 10 }));

        Assert.Equal(1, ((StorageValidationException)ex).ItemIndex);
        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));
    }

    [Fact]
    public async Task A_cart_repeating_a_reservation_id_fails_with_Validation_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        var line = Make.Reservation(s.Now, "prod-1", cart);

        await ExpectKind.Validation(() => s.A.ReserveInventoryAsync([line, line with { Quantity = 2 }], new Dictionary<StockKey, int> { [new("prod-1")] = 10 }));

        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));
    }

    [Fact]
    public async Task A_cart_line_whose_id_already_exists_fails_with_Conflict_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        var existing = Make.Reservation(s.Now, "prod-9");
        await s.A.ReserveInventoryAsync(existing);
        var cart = Make.Id("cart");
        var lines = new[] { Make.Reservation(s.Now, "prod-1", cart), existing with { CartId = cart, ProductId = "prod-1" } };

        var ex = await ExpectKind.Conflict(() => s.A.ReserveInventoryAsync(lines, new Dictionary<StockKey, int> { [new("prod-1")] = 10 }));
        Assert.Equal($"item 1: inventory reservation '{existing.Id}' already exists.", ex.Message);

        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    [Fact]
    public async Task An_empty_cart_reserves_nothing()
    {
        await using var s = await OpenAsync();
        await s.A.ReserveInventoryAsync([], new Dictionary<StockKey, int>());
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1"));
    }

    // ---- listing a cart ----

    [Fact]
    public async Task A_carts_active_reservations_are_listed_oldest_first_with_ties_broken_by_id()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        var t = s.Now;
        await s.A.ReserveInventoryAsync(Make.Reservation(t, cartId: cart) with { Id = "r-c", CreatedAt = t });
        await s.A.ReserveInventoryAsync(Make.Reservation(t, cartId: cart) with { Id = "r-a", CreatedAt = t });
        await s.A.ReserveInventoryAsync(Make.Reservation(t, cartId: cart) with { Id = "r-b", CreatedAt = t.AddSeconds(-1) });
        await s.A.ReserveInventoryAsync(Make.Reservation(t) with { Id = "r-other-cart" });

        Assert.Equal(["r-b", "r-a", "r-c"], (await s.A.ListActiveReservationsForCartAsync(cart)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_carts_list_leaves_out_expired_released_and_converted_reservations()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        var kept = Make.Reservation(s.Now, cartId: cart) with { ExpiresAt = s.Now.AddMinutes(30) };
        var expiring = Make.Reservation(s.Now, cartId: cart) with { ExpiresAt = s.Now.AddMinutes(1) };
        await s.A.ReserveInventoryAsync(kept);
        await s.A.ReserveInventoryAsync(expiring);
        s.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([kept.Id], (await s.A.ListActiveReservationsForCartAsync(cart)).Select(r => r.Id));

        await s.A.ConvertInventoryReservationsAsync(cart, s.Now);
        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));
        Assert.Empty(await s.A.ListActiveReservationsForCartAsync("cart-missing"));
    }

    // ---- releasing ----

    [Fact]
    public async Task Releasing_a_cart_releases_its_active_reservations_and_returns_the_count()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, cartId: cart, quantity: 2));
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, cartId: cart, quantity: 3));
        var other = Make.Reservation(s.Now, quantity: 1);
        await s.A.ReserveInventoryAsync(other);

        Assert.Equal(2, await s.A.ReleaseInventoryReservationsAsync(cart, s.Now));

        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));
        Assert.Equal(1, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Single(await s.A.ListActiveReservationsForCartAsync(other.CartId!));
    }

    [Fact]
    public async Task Releasing_again_or_releasing_an_unknown_cart_counts_zero()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now);
        await s.A.ReserveInventoryAsync(reservation);
        await s.A.ReleaseInventoryReservationsAsync(reservation.CartId!, s.Now);

        Assert.Equal(0, await s.A.ReleaseInventoryReservationsAsync(reservation.CartId!, s.Now));
        Assert.Equal(0, await s.A.ReleaseInventoryReservationsAsync("cart-missing", s.Now));
    }

    [Fact]
    public async Task Releasing_also_releases_active_reservations_that_have_expired()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now);
        await s.A.ReserveInventoryAsync(reservation);
        s.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1, await s.A.ReleaseInventoryReservationsAsync(reservation.CartId!, s.Now));
        Assert.Equal(0, await s.A.CleanupExpiredInventoryReservationsAsync(s.Now));
    }

    [Fact]
    public async Task Converted_reservations_are_never_released()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now, quantity: 2);
        await s.A.ReserveInventoryAsync(reservation);
        Assert.Equal(1, await s.A.ConvertInventoryReservationsAsync(reservation.CartId!, s.Now));

        Assert.Equal(0, await s.A.ReleaseInventoryReservationsAsync(reservation.CartId!, s.Now));
        s.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await s.A.ReleaseInventoryReservationsAsync(reservation.CartId!, s.Now));
        Assert.Equal(0, await s.A.CleanupExpiredInventoryReservationsAsync(s.Now));
        Assert.Equal(0, await s.A.ConvertInventoryReservationsAsync(reservation.CartId!, s.Now));
    }

    // ---- converting ----

    [Fact]
    public async Task Converting_a_cart_converts_its_active_reservations_and_returns_the_count()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, cartId: cart, quantity: 2));
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, cartId: cart, productId: "prod-2"));

        Assert.Equal(2, await s.A.ConvertInventoryReservationsAsync(cart, s.Now));

        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Equal(0, await s.A.ConvertInventoryReservationsAsync(cart, s.Now));
        Assert.Equal(0, await s.A.ConvertInventoryReservationsAsync("cart-missing", s.Now));
    }

    [Fact]
    public async Task Expired_reservations_are_not_converted_and_not_counted()
    {
        await using var s = await OpenAsync();
        var cart = Make.Id("cart");
        var live = Make.Reservation(s.Now, cartId: cart) with { ExpiresAt = s.Now.AddMinutes(10) + Micro };
        var expired = Make.Reservation(s.Now, cartId: cart) with { ExpiresAt = s.Now.AddMinutes(10) };
        await s.A.ReserveInventoryAsync(live);
        await s.A.ReserveInventoryAsync(expired);
        s.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(1, await s.A.ConvertInventoryReservationsAsync(cart, s.Now));

        Assert.Equal(1, await s.A.CleanupExpiredInventoryReservationsAsync(s.Now));
        Assert.Equal(0, await s.A.ReleaseInventoryReservationsAsync(cart, s.Now));
    }

    [Fact]
    public async Task Releasing_and_converting_accept_times_with_sub_microsecond_ticks()
    {
        await using var s = await OpenAsync();
        var first = Make.Reservation(s.Now);
        var second = Make.Reservation(s.Now);
        await s.A.ReserveInventoryAsync(first);
        await s.A.ReserveInventoryAsync(second);

        Assert.Equal(1, await s.A.ReleaseInventoryReservationsAsync(first.CartId!, Start.AddTicks(3)));
        Assert.Equal(1, await s.A.ConvertInventoryReservationsAsync(second.CartId!, Start.AddTicks(5)));
    }

    // ---- cleanup ----

    [Fact]
    public async Task Cleanup_releases_reservations_expired_at_or_before_now_in_every_tenant()
    {
        await using var s = await OpenAsync();
        var t = s.Now;
        await s.A.ReserveInventoryAsync(Make.Reservation(t) with { ExpiresAt = t.AddMinutes(5) });
        await s.A.ReserveInventoryAsync(Make.Reservation(t) with { ExpiresAt = t.AddMinutes(10) });
        var inB = Make.Reservation(t) with { ExpiresAt = t.AddMinutes(10) };
        await s.B.ReserveInventoryAsync(inB);
        var survivor = Make.Reservation(t) with { ExpiresAt = t.AddMinutes(10) + Micro };
        await s.A.ReserveInventoryAsync(survivor);
        s.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(3, await s.A.CleanupExpiredInventoryReservationsAsync(t.AddMinutes(10)));

        Assert.Equal(0, await s.A.CleanupExpiredInventoryReservationsAsync(t.AddMinutes(10)));
        Assert.Equal([survivor.Id], (await s.A.ListActiveReservationsForCartAsync(survivor.CartId!)).Select(r => r.Id));
        Assert.Equal(1, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Equal(0, await s.B.ReleaseInventoryReservationsAsync(inB.CartId!, s.Now));
    }

    [Fact]
    public async Task Cleanup_uses_the_given_now_not_the_clock()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now) with { ExpiresAt = s.Now.AddMinutes(10) };
        await s.A.ReserveInventoryAsync(reservation);

        Assert.Equal(0, await s.A.CleanupExpiredInventoryReservationsAsync(s.Now.AddMinutes(10) - Micro));
        Assert.Equal(1, await s.A.CleanupExpiredInventoryReservationsAsync(s.Now.AddMinutes(10)));

        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(reservation.CartId!));
        Assert.Equal(0, await s.A.ReleaseInventoryReservationsAsync(reservation.CartId!, s.Now));
    }

    [Fact]
    public async Task Cleanup_leaves_released_and_converted_reservations_alone()
    {
        await using var s = await OpenAsync();
        var released = Make.Reservation(s.Now);
        var converted = Make.Reservation(s.Now);
        await s.A.ReserveInventoryAsync(released);
        await s.A.ReserveInventoryAsync(converted);
        await s.A.ReleaseInventoryReservationsAsync(released.CartId!, s.Now);
        await s.A.ConvertInventoryReservationsAsync(converted.CartId!, s.Now);
        var live = Make.Reservation(s.Now) with { ExpiresAt = s.Now.AddHours(2) };
        await s.A.ReserveInventoryAsync(live);
        s.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, await s.A.CleanupExpiredInventoryReservationsAsync(s.Now));

        // The live reservation was not touched and still holds its stock; the others stay out of the way.
        Assert.Equal(0, await s.A.ReleaseInventoryReservationsAsync(released.CartId!, s.Now));
        Assert.Equal(0, await s.A.ReleaseInventoryReservationsAsync(converted.CartId!, s.Now));
        Assert.Equal([live.Id], (await s.A.ListActiveReservationsForCartAsync(live.CartId!)).Select(r => r.Id));
        Assert.Equal(live.Quantity, await s.A.GetReservedQuantityAsync(live.ProductId));
    }

    [Fact]
    public async Task Cleanup_finishes_the_job_beyond_one_batch()
    {
        await using var s = await OpenAsync(o => o.HousekeepingBatchSize = 2);
        var inA = Enumerable.Range(0, 5).Select(_ => Make.Reservation(s.Now)).ToArray();
        var inB = Enumerable.Range(0, 2).Select(_ => Make.Reservation(s.Now)).ToArray();
        foreach (var r in inA) await s.A.ReserveInventoryAsync(r);
        foreach (var r in inB) await s.B.ReserveInventoryAsync(r);
        s.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(7, await s.B.CleanupExpiredInventoryReservationsAsync(s.Now));
        Assert.Equal(0, await s.A.CleanupExpiredInventoryReservationsAsync(s.Now));
        // The count is backed by the rows: releasing a cart also releases its active-but-expired reservations, so a
        // reservation the cleanup only counted would be released (and counted) here.
        foreach (var r in inA) Assert.Equal(0, await s.A.ReleaseInventoryReservationsAsync(r.CartId!, s.Now));
        foreach (var r in inB) Assert.Equal(0, await s.B.ReleaseInventoryReservationsAsync(r.CartId!, s.Now));
    }

    // ---- tenants ----

    [Fact]
    public async Task A_reservation_written_with_another_tenant_id_lands_in_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now) with { TenantId = "tenant-b" };

        await s.A.ReserveInventoryAsync(reservation);

        Assert.Equal("tenant-a", Assert.Single(await s.A.ListActiveReservationsForCartAsync(reservation.CartId!)).TenantId);
        Assert.Empty(await s.B.ListActiveReservationsForCartAsync(reservation.CartId!));
        Assert.Equal(0, await s.B.GetReservedQuantityAsync("prod-1"));
    }

    [Fact]
    public async Task Another_tenant_neither_sees_nor_changes_reservations()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now, quantity: 3);
        await s.A.ReserveInventoryAsync(reservation);

        Assert.Equal(0, await s.B.GetReservedQuantityAsync("prod-1"));
        Assert.Empty(await s.B.ListActiveReservationsForCartAsync(reservation.CartId!));
        Assert.Equal(0, await s.B.ReleaseInventoryReservationsAsync(reservation.CartId!, s.Now));
        Assert.Equal(0, await s.B.ConvertInventoryReservationsAsync(reservation.CartId!, s.Now));

        Assert.Equal(3, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Single(await s.A.ListActiveReservationsForCartAsync(reservation.CartId!));
    }

    [Fact]
    public async Task Stock_is_counted_per_tenant()
    {
        await using var s = await OpenAsync();
        await s.A.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 5), 5);

        await s.B.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 5), 5);
        await s.B.ReserveInventoryAsync([Make.Reservation(s.Now, quantity: 1)], new Dictionary<StockKey, int> { [new("prod-1")] = 6 });

        Assert.Equal(5, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Equal(6, await s.B.GetReservedQuantityAsync("prod-1"));
    }

    [Fact]
    public async Task The_same_reservation_id_and_cart_can_be_used_in_two_tenants()
    {
        await using var s = await OpenAsync();
        var reservation = Make.Reservation(s.Now, quantity: 2);

        await s.A.ReserveInventoryAsync(reservation);
        await s.B.ReserveInventoryAsync(reservation with { Quantity = 4 });

        Assert.Equal(2, Assert.Single(await s.A.ListActiveReservationsForCartAsync(reservation.CartId!)).Quantity);
        Assert.Equal(4, Assert.Single(await s.B.ListActiveReservationsForCartAsync(reservation.CartId!)).Quantity);
        Assert.Equal(1, await s.A.ConvertInventoryReservationsAsync(reservation.CartId!, s.Now));
        Assert.Single(await s.B.ListActiveReservationsForCartAsync(reservation.CartId!));
    }
}
