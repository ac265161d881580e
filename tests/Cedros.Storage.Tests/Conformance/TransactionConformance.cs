using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §14: transactions.</summary>
public abstract class TransactionConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    /// <summary>The exception a callback throws to abort its transaction.</summary>
    private sealed class Abort() : Exception("abort the transaction");

    /// <summary>What one checkout writes: order, payment, coupon use, webhook, nonce, reservation, fulfillment.</summary>
    private sealed record Checkout(Order Order, PaymentTransaction Payment, string CouponCode, PendingWebhook Webhook, AdminNonce Nonce,
        InventoryReservation Reservation, Fulfillment Fulfillment);

    private static async Task<Checkout> ArrangeAsync(TestStorage s)
    {
        var coupon = Make.Coupon(s.Now) with { UsageLimit = 5 };
        await s.A.Coupons.CreateCouponAsync(coupon);
        var order = Make.Order(s.Now);
        return new Checkout(order, Make.Payment(s.Now), coupon.Code, Make.Webhook(), Make.Nonce(s.Now), Make.Reservation(s.Now, quantity: 2),
            Make.Fulfillment(s.Now, order.Id));
    }

    private static async Task WriteAsync(ITenantStorage tx, Checkout c, CancellationToken ct)
    {
        Assert.True(await tx.TryStoreOrderAsync(c.Order, ct));
        await tx.RecordPaymentAsync(c.Payment, ct);
        Assert.Equal(1, await tx.Coupons.IncrementUsageAsync(c.CouponCode, ct));
        await tx.EnqueueWebhookAsync(c.Webhook, ct);
        await tx.CreateNonceAsync(c.Nonce, ct);
        await tx.ReserveInventoryAsync(c.Reservation, 10, ct);
        await tx.CreateFulfillmentAsync(c.Fulfillment, ct);
        await tx.UpdateOrderStatusWithHistoryAsync(c.Order.Id, OrderStatus.Paid, c.Order.CreatedAt, "paid", "checkout", ct);
    }

    private static async Task AssertCommittedAsync(TestStorage s, Checkout c)
    {
        Assert.Equal(OrderStatus.Paid, (await s.A.GetOrderAsync(c.Order.Id))!.Status);
        Assert.Single(await s.A.ListOrderHistoryAsync(c.Order.Id, 10));
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(c.Payment.Signature));
        Assert.NotNull(await s.A.GetPaymentAsync(c.Payment.Signature));
        Assert.Equal(1, (await s.A.Coupons.GetCouponAsync(c.CouponCode))!.UsageCount);
        Assert.NotNull(await s.A.GetWebhookAsync(c.Webhook.Id));
        Assert.Equal(2, await s.A.GetReservedQuantityAsync(c.Reservation.ProductId));
        Assert.NotNull(await s.A.GetFulfillmentAsync(c.Fulfillment.Id));
        await s.A.ConsumeNonceAsync(c.Nonce.Id);
    }

    private static async Task AssertNothingWrittenAsync(TestStorage s, Checkout c)
    {
        Assert.Null(await s.A.GetOrderAsync(c.Order.Id));
        Assert.Empty(await s.A.ListOrderHistoryAsync(c.Order.Id, 10));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(c.Payment.Signature));
        Assert.Null(await s.A.GetPaymentAsync(c.Payment.Signature));
        Assert.Equal(0, (await s.A.Coupons.GetCouponAsync(c.CouponCode))!.UsageCount);
        Assert.Null(await s.A.GetWebhookAsync(c.Webhook.Id));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync(c.Reservation.ProductId));
        Assert.Null(await s.A.GetFulfillmentAsync(c.Fulfillment.Id));
        var ex = await Assert.ThrowsAsync<NonceException>(() => s.A.ConsumeNonceAsync(c.Nonce.Id));
        Assert.Equal(NonceFailureReason.NotFound, ex.Reason);
    }

    [Fact]
    public async Task Calls_through_the_transaction_commit_together_when_the_callback_returns()
    {
        await using var s = await OpenAsync();
        var c = await ArrangeAsync(s);

        await s.A.InTransactionAsync((tx, ct) => WriteAsync(tx, c, ct));

        await AssertCommittedAsync(s, c);
    }

    [Fact]
    public async Task An_exception_in_the_callback_rolls_back_every_area_and_propagates_unchanged()
    {
        await using var s = await OpenAsync();
        var c = await ArrangeAsync(s);
        var abort = new Abort();

        var thrown = await Assert.ThrowsAsync<Abort>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await WriteAsync(tx, c, ct);
            throw abort;
        }));

        Assert.Same(abort, thrown);
        await AssertNothingWrittenAsync(s, c);
    }

    [Fact]
    public async Task The_result_overload_returns_the_callbacks_result_and_commits()
    {
        await using var s = await OpenAsync();
        var c = await ArrangeAsync(s);

        var result = await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await WriteAsync(tx, c, ct);
            return "committed";
        });

        Assert.Equal("committed", result);
        await AssertCommittedAsync(s, c);
    }

    [Fact]
    public async Task The_result_overload_rolls_back_and_propagates_on_exception()
    {
        await using var s = await OpenAsync();
        var c = await ArrangeAsync(s);
        var abort = new Abort();

        var thrown = await Assert.ThrowsAsync<Abort>(() => s.A.InTransactionAsync<int>(async (tx, ct) =>
        {
            await WriteAsync(tx, c, ct);
            throw abort;
        }));

        Assert.Same(abort, thrown);
        await AssertNothingWrittenAsync(s, c);
    }

    [Fact]
    public async Task A_storage_error_thrown_inside_rolls_back_the_earlier_writes_and_propagates()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        var payment = Make.Payment(s.Now);

        await ExpectKind.NotFound(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.TryStoreOrderAsync(order, ct);
            await tx.RecordPaymentAsync(payment, ct);
            await tx.CreateFulfillmentAsync(Make.Fulfillment(s.Now, "order-missing"), ct);
        }));

        Assert.Null(await s.A.GetOrderAsync(order.Id));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(payment.Signature));
    }

    [Fact]
    public async Task Changes_to_existing_rows_are_undone_by_a_rollback()
    {
        await using var s = await OpenAsync();
        var c = await ArrangeAsync(s);
        var order = Make.Order(s.Now) with { Status = OrderStatus.Paid };
        await s.A.TryStoreOrderAsync(order);
        var reservation = Make.Reservation(s.Now, quantity: 3);
        await s.A.ReserveInventoryAsync(reservation);

        await Assert.ThrowsAsync<Abort>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Processing, s.Now, cancellationToken: ct);
            await tx.ConvertInventoryReservationsAsync(reservation.CartId!, s.Now, ct);
            await tx.Coupons.IncrementUsageAsync(c.CouponCode, ct);
            throw new Abort();
        }));

        Assert.Equivalent(order with { TenantId = "tenant-a" }, await s.A.GetOrderAsync(order.Id), strict: true);
        Assert.Empty(await s.A.ListOrderHistoryAsync(order.Id, 10));
        Assert.Equal(3, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Equal(0, (await s.A.Coupons.GetCouponAsync(c.CouponCode))!.UsageCount);
    }

    [Fact]
    public async Task Writes_are_visible_through_the_transaction_before_it_commits()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        var payment = Make.Payment(s.Now);

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.TryStoreOrderAsync(order, ct);
            await tx.RecordPaymentAsync(payment, ct);
            Assert.NotNull(await tx.GetOrderAsync(order.Id, ct));
            Assert.True(await tx.HasPaymentBeenProcessedAsync(payment.Signature, ct));
            Assert.Single(await tx.ListOrdersAsync(10, 0, ct));
        });
    }

    [Fact]
    public async Task The_transaction_handle_is_bound_to_the_same_tenant()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now) with { TenantId = "tenant-b" };

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            Assert.Equal("tenant-a", tx.TenantId);
            await tx.TryStoreOrderAsync(order, ct);
        });

        Assert.Equal("tenant-a", (await s.A.GetOrderAsync(order.Id))!.TenantId);
        Assert.Null(await s.B.GetOrderAsync(order.Id));
    }

    [Fact]
    public async Task A_transaction_sees_only_its_own_tenant()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        await s.B.InTransactionAsync(async (tx, ct) =>
        {
            Assert.Null(await tx.GetOrderAsync(order.Id, ct));
            await ExpectKind.NotFound(() => tx.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, s.Now, s.Now, ct));
            Assert.True(await tx.TryStoreOrderAsync(order, ct));
        });

        Assert.Equal(OrderStatus.Created, (await s.A.GetOrderAsync(order.Id))!.Status);
        Assert.Equal("tenant-b", (await s.B.GetOrderAsync(order.Id))!.TenantId);
    }

    // ---- nesting ----

    [Fact]
    public async Task A_nested_transaction_joins_the_outer_one_and_commits_with_it()
    {
        await using var s = await OpenAsync();
        var outer = Make.Order(s.Now);
        var inner = Make.Order(s.Now);

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.TryStoreOrderAsync(outer, ct);
            var innerResult = await tx.InTransactionAsync(async (nested, nct) =>
            {
                Assert.NotNull(await nested.GetOrderAsync(outer.Id, nct));
                return await nested.TryStoreOrderAsync(inner, nct);
            }, ct);
            Assert.True(innerResult);
        });

        Assert.NotNull(await s.A.GetOrderAsync(outer.Id));
        Assert.NotNull(await s.A.GetOrderAsync(inner.Id));
    }

    [Fact]
    public async Task Rolling_back_the_outer_transaction_undoes_the_nested_one()
    {
        await using var s = await OpenAsync();
        var outer = Make.Order(s.Now);
        var inner = Make.Order(s.Now);
        var payment = Make.Payment(s.Now);

        await Assert.ThrowsAsync<Abort>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.TryStoreOrderAsync(outer, ct);
            await tx.InTransactionAsync(async (nested, nct) =>
            {
                await nested.TryStoreOrderAsync(inner, nct);
                await nested.RecordPaymentAsync(payment, nct);
            }, ct);
            throw new Abort();
        }));

        Assert.Null(await s.A.GetOrderAsync(outer.Id));
        Assert.Null(await s.A.GetOrderAsync(inner.Id));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(payment.Signature));
    }

    [Fact]
    public async Task An_exception_in_a_nested_transaction_rolls_back_the_whole_transaction_when_it_propagates()
    {
        await using var s = await OpenAsync();
        var outer = Make.Order(s.Now);
        var inner = Make.Order(s.Now);

        await Assert.ThrowsAsync<Abort>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.TryStoreOrderAsync(outer, ct);
            await tx.InTransactionAsync<bool>(async (nested, nct) =>
            {
                await nested.TryStoreOrderAsync(inner, nct);
                throw new Abort();
            }, ct);
        }));

        Assert.Null(await s.A.GetOrderAsync(outer.Id));
        Assert.Null(await s.A.GetOrderAsync(inner.Id));
    }

    // ---- guarantees inside ----

    [Fact]
    public async Task Replaying_a_recorded_payment_inside_a_transaction_throws_PaymentReplayException()
    {
        await using var s = await OpenAsync();
        var payment = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(payment);
        var order = Make.Order(s.Now);

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.TryStoreOrderAsync(order, ct);
            await Assert.ThrowsAsync<PaymentReplayException>(() => tx.RecordPaymentAsync(payment with { ResourceId = "other" }, ct));
            Assert.False(await tx.TryRecordPaymentAsync(payment with { ResourceId = "other" }, ct));
        });

        Assert.Equal("prod-1", (await s.A.GetPaymentAsync(payment.Signature))!.ResourceId);
        Assert.NotNull(await s.A.GetOrderAsync(order.Id));
    }

    [Fact]
    public async Task A_signature_recorded_earlier_in_the_same_transaction_or_by_another_tenant_is_a_replay()
    {
        await using var s = await OpenAsync();
        var mine = Make.Payment(s.Now);
        var theirs = Make.Payment(s.Now);
        await s.B.RecordPaymentAsync(theirs);

        await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.RecordPaymentAsync(mine, ct);
            await Assert.ThrowsAsync<PaymentReplayException>(() => tx.RecordPaymentAsync(mine, ct));
            await tx.RecordPaymentAsync(theirs, ct);
        }));

        Assert.False(await s.A.HasPaymentBeenProcessedAsync(mine.Signature));
        Assert.Null(await s.A.GetPaymentAsync(theirs.Signature));
        Assert.NotNull(await s.B.GetPaymentAsync(theirs.Signature));
    }

    [Fact]
    public async Task The_order_status_rule_still_holds_inside_a_transaction()
    {
        await using var s = await OpenAsync();
        var order = Make.Order(s.Now);
        await s.A.TryStoreOrderAsync(order);

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await ExpectKind.Validation(() => tx.UpdateOrderStatusAsync(order.Id, OrderStatus.Delivered, s.Now, s.Now, ct));
            Assert.False(await tx.TryStoreOrderAsync(Make.Order(s.Now, purchaseId: order.PurchaseId), ct));
            await tx.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, s.Now, s.Now, ct);
        });

        Assert.Equal(OrderStatus.Paid, (await s.A.GetOrderAsync(order.Id))!.Status);
        Assert.Single(await s.A.ListOrdersAsync(10, 0));
    }

    [Fact]
    public async Task Stock_and_coupon_limits_still_hold_inside_a_transaction()
    {
        await using var s = await OpenAsync();
        var coupon = Make.Coupon(s.Now) with { UsageLimit = 1 };
        await s.A.Coupons.CreateCouponAsync(coupon);

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 2), 3, ct);
            await ExpectKind.LimitReached(() => tx.ReserveInventoryAsync(Make.Reservation(s.Now, quantity: 2), 3, ct));
            await ExpectKind.LimitReached(() => tx.ReserveInventoryAsync([Make.Reservation(s.Now), Make.Reservation(s.Now)],
                new Dictionary<StockKey, int> { [new("prod-1")] = 3 }, ct));
            await tx.Coupons.IncrementUsageAsync(coupon.Code, ct);
            await ExpectKind.LimitReached(() => tx.Coupons.IncrementUsageAsync(coupon.Code, ct));
        });

        Assert.Equal(2, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.Equal(1, (await s.A.Coupons.GetCouponAsync(coupon.Code))!.UsageCount);
    }

    [Fact]
    public async Task A_batch_inside_a_transaction_commits_with_it_and_rolls_back_with_it()
    {
        await using var s = await OpenAsync();
        var kept = new[] { Make.Payment(s.Now), Make.Payment(s.Now) };
        var undone = new[] { Make.Payment(s.Now), Make.Payment(s.Now) };
        var cart = Make.Id("cart");

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.RecordPaymentsAsync(kept, ct);
            await tx.ReserveInventoryAsync([Make.Reservation(s.Now, cartId: cart), Make.Reservation(s.Now, cartId: cart)],
                new Dictionary<StockKey, int> { [new("prod-1")] = 2 }, ct);
        });
        await Assert.ThrowsAsync<Abort>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.RecordPaymentsAsync(undone, ct);
            await tx.ReleaseInventoryReservationsAsync(cart, s.Now, ct);
            throw new Abort();
        }));

        foreach (var p in kept) Assert.True(await s.A.HasPaymentBeenProcessedAsync(p.Signature));
        foreach (var p in undone) Assert.False(await s.A.HasPaymentBeenProcessedAsync(p.Signature));
        Assert.Equal(2, (await s.A.ListActiveReservationsForCartAsync(cart)).Count);
    }

    [Fact]
    public async Task A_failed_batch_inside_a_transaction_writes_none_of_its_items()
    {
        await using var s = await OpenAsync();
        var recorded = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(recorded);
        var fresh = Make.Payment(s.Now);
        var order = Make.Order(s.Now);

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => tx.RecordPaymentsAsync([fresh, recorded], ct));
            Assert.Contains(recorded.Signature, ex.Signatures);
            await tx.TryStoreOrderAsync(order, ct);
        });

        Assert.False(await s.A.HasPaymentBeenProcessedAsync(fresh.Signature));
        Assert.NotNull(await s.A.GetOrderAsync(order.Id));
    }

    [Fact]
    public async Task A_failed_cart_reservation_inside_a_transaction_writes_none_of_its_lines()
    {
        await using var s = await OpenAsync();
        var existing = Make.Reservation(s.Now, "prod-9");
        await s.A.ReserveInventoryAsync(existing);
        var cart = Make.Id("cart");
        var order = Make.Order(s.Now);

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await ExpectKind.Conflict(() => tx.ReserveInventoryAsync(
                [Make.Reservation(s.Now, "prod-1", cart), existing with { CartId = cart, ProductId = "prod-1" }],
                new Dictionary<StockKey, int> { [new("prod-1")] = 10 }, ct));
            Assert.Empty(await tx.ListActiveReservationsForCartAsync(cart, ct));
            await tx.TryStoreOrderAsync(order, ct);
        });

        Assert.Empty(await s.A.ListActiveReservationsForCartAsync(cart));
        Assert.Equal(0, await s.A.GetReservedQuantityAsync("prod-1"));
        Assert.NotNull(await s.A.GetOrderAsync(order.Id));
    }

    // ---- afterwards ----

    [Fact]
    public async Task The_storage_keeps_working_after_a_rolled_back_transaction()
    {
        await using var s = await OpenAsync();
        await Assert.ThrowsAsync<Abort>(() => s.A.InTransactionAsync((_, _) => throw new Abort()));
        var order = Make.Order(s.Now);

        Assert.True(await s.A.TryStoreOrderAsync(order));
        await s.A.InTransactionAsync(async (tx, ct) => await tx.UpdateOrderStatusAsync(order.Id, OrderStatus.Paid, s.Now, s.Now, ct));

        Assert.Equal(OrderStatus.Paid, (await s.A.GetOrderAsync(order.Id))!.Status);
    }

    [Fact]
    public async Task A_rolled_back_transaction_leaves_earlier_commits_of_every_tenant_alone()
    {
        await using var s = await OpenAsync();
        var inA = Make.Order(s.Now);
        var inB = Make.Order(s.Now);
        await s.A.InTransactionAsync(async (tx, ct) => await tx.TryStoreOrderAsync(inA, ct));
        await s.B.TryStoreOrderAsync(inB);

        await Assert.ThrowsAsync<Abort>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.UpdateOrderStatusAsync(inA.Id, OrderStatus.Paid, s.Now, s.Now, ct);
            throw new Abort();
        }));

        Assert.Equal(OrderStatus.Created, (await s.A.GetOrderAsync(inA.Id))!.Status);
        Assert.NotNull(await s.B.GetOrderAsync(inB.Id));
    }

    // ---- using a handle that is not the transaction's ----

    /// <summary>Runs a call that must fail at once; a hang (the old behaviour in memory) fails the test after 10 s.</summary>
    private static async Task AssertRefusedAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => call().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("transaction handle", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_through_the_outer_handle_inside_a_transaction_fails_at_once_and_the_transaction_goes_on()
    {
        await using var s = await OpenAsync();
        var inside = Make.Payment(s.Now);
        var outside = Make.Payment(s.Now);
        var order = Make.Order(s.Now);
        var started = System.Diagnostics.Stopwatch.StartNew();

        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.RecordPaymentAsync(inside, ct);
            await AssertRefusedAsync(() => s.A.RecordPaymentAsync(outside, ct));               // write, same tenant
            await AssertRefusedAsync(() => s.A.GetPaymentAsync(inside.Signature, ct));          // read
            await AssertRefusedAsync(() => s.B.TryStoreOrderAsync(order, ct));                  // another tenant of the same storage
            await AssertRefusedAsync(() => s.Storage.Default.Coupons.GetCouponAsync("SAVE10", ct)); // a repository
            await AssertRefusedAsync(() => s.A.InTransactionAsync((_, _) => Task.CompletedTask, ct)); // a second transaction
            // The refused calls changed nothing, and the transaction is still usable.
            Assert.True(await tx.TryStoreOrderAsync(order, ct));
        });

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(inside.Signature));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(outside.Signature));
        Assert.NotNull(await s.A.GetOrderAsync(order.Id));
        Assert.Null(await s.B.GetOrderAsync(order.Id));
    }

    [Fact]
    public async Task A_call_through_the_outer_handle_inside_a_nested_transaction_fails_at_once()
    {
        await using var s = await OpenAsync();
        await s.A.InTransactionAsync(async (tx, ct) =>
            await tx.InTransactionAsync(async (nested, ct2) =>
            {
                await nested.RecordPaymentAsync(Make.Payment(s.Now), ct2);
                await AssertRefusedAsync(() => s.A.RecordPaymentAsync(Make.Payment(s.Now), ct2));
            }, ct));
    }

    [Fact]
    public async Task Another_storage_can_be_used_inside_a_transaction()
    {
        await using var s = await OpenAsync();
        await using var other = await OpenAsync();
        var payment = Make.Payment(s.Now);
        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.RecordPaymentAsync(Make.Payment(s.Now), ct);
            await other.A.RecordPaymentAsync(payment, ct);
        });
        Assert.True(await other.A.HasPaymentBeenProcessedAsync(payment.Signature));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(payment.Signature));
    }

    [Fact]
    public async Task The_outer_handle_works_after_the_transaction_even_from_a_task_the_callback_started()
    {
        await using var s = await OpenAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<bool>? background = null;
        var payment = Make.Payment(s.Now);
        await s.A.InTransactionAsync((tx, ct) =>
        {
            // Started inside the callback (it inherits the flow), runs after the transaction has ended.
            background = Task.Run(async () =>
            {
                await release.Task;
                await s.A.RecordPaymentAsync(payment);
                return await s.A.HasPaymentBeenProcessedAsync(payment.Signature);
            });
            return Task.CompletedTask;
        });
        release.SetResult();
        Assert.True(await background!.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(payment.Signature));
    }

    [Fact]
    public async Task ListTenants_lists_every_tenant_with_rows_in_any_table_including_the_archive()
    {
        await using var s = await OpenAsync();
        Assert.Empty(await s.A.ListTenantsAsync());
        await s.A.EnqueueWebhookAsync(Make.Webhook());
        await s.B.CreateNonceAsync(Make.Nonce(s.Now));
        var zed = s.Storage.ForTenant("Zed-1");
        await zed.RecordPaymentAsync(Make.Payment(s.Now.AddDays(-100)));
        Assert.True(await s.Storage.ForTenant("orders_only").TryStoreOrderAsync(Make.Order(s.Now)));
        await s.Storage.ForTenant("catalog").Products.CreateProductAsync(Make.Product(s.Now));
        Assert.Equal(["Zed-1", "catalog", "orders_only", "tenant-a", "tenant-b"], await s.B.ListTenantsAsync());

        // Archived rows still belong to their tenant.
        Assert.Equal(1, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90)));
        Assert.Contains("Zed-1", await s.A.ListTenantsAsync());
    }
}
