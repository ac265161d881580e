using System.Text.Json;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>
/// Contract §0 "Text", "Validation before writing": the bad-input matrix. Every public method of
/// <see cref="ITenantStorage"/> and the three repositories is called with each kind of bad argument it can receive
/// (null, empty, whitespace, over-long, NUL, lone surrogates, invalid JSON, extreme times and durations,
/// negative/overflowing numbers, oversized and duplicate-laden batches, bad tenant ids). Each call must throw
/// <see cref="StorageValidationException"/> naming the bad field, and write nothing: the row it would have written is
/// read back through the API, and a snapshot of every seeded row, list and count is compared after every case.
/// One storage is opened per group; every case uses fresh ids.
/// </summary>
public abstract class BadInputConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    [Theory]
    [MemberData(nameof(BadInputMatrix.Groups), MemberType = typeof(BadInputMatrix))]
    public async Task Every_bad_input_is_Validation_naming_the_field_and_writes_nothing(string group)
    {
        await using var s = await OpenAsync();
        var ctx = await BadInputContext.SeedAsync(s);
        var cases = BadInputMatrix.Build(group);
        Assert.NotEmpty(cases);
        var failures = await BadInputMatrix.RunAsync(ctx, cases);
        Assert.True(failures.Count == 0,
            $"{Fixture.Name}/{group}: {failures.Count} of {cases.Count} bad-input cases wrong:\n  " + string.Join("\n  ", failures));
    }

    [Fact]
    public async Task A_refused_call_fails_through_its_task_and_a_cancelled_one_ends_cancelled()
    {
        await using var s = await OpenAsync();
        Task<CartQuote?>? refused = null;
        Assert.Null(Record.Exception(() => { refused = s.A.GetCartQuoteAsync(""); }));
        Assert.Equal(StorageErrorKind.Validation, (await Assert.ThrowsAnyAsync<StorageException>(() => refused!)).Kind);

        Task<CartQuote?>? cancelled = null;
        Assert.Null(Record.Exception(() => { cancelled = s.A.GetCartQuoteAsync("cart-1", new CancellationToken(canceled: true)); }));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled!);
        Assert.True(cancelled!.IsCanceled);
    }

    [Fact]
    public void The_matrix_covers_every_public_method()
    {
        var methods = new[] { typeof(IStore), typeof(IProductRepository), typeof(ICouponRepository), typeof(ISubscriptionRepository) }
            .SelectMany(t => t.GetInterfaces().Append(t))
            .SelectMany(t => t.GetMethods())
            // An IProgress<long> (housekeeping overloads) has no bad value: null means "no progress".
            .Where(m => m.GetParameters().Any(p => p.ParameterType != typeof(CancellationToken) && p.ParameterType != typeof(DateTimeOffset)
                && p.ParameterType != typeof(IProgress<long>)))
            .Select(m => m.Name).ToHashSet();
        var covered = BadInputMatrix.GroupNames.SelectMany(BadInputMatrix.Build).Select(c => c.Name.Split(' ', '(', '+')[0]).ToHashSet();
        Assert.Empty(methods.Except(covered).Order());
        Assert.True(covered.Count > 0);
    }

    [Fact]
    public async Task Ill_formed_text_in_a_webhook_error_message_is_stored_sanitized_alike_on_every_backend()
    {
        await using var s = await OpenAsync();
        foreach (var (error, stored) in new[]
                 {
                     ("boom\0here", "boom\uFFFDhere"),
                     ("lone \ud800 high", "lone \uFFFD high"),
                     ("lone \udc00 low", "lone \uFFFD low"),
                     (new string('e', 4095) + "\U0001F600", new string('e', 4095) + "\uFFFD"), // the cut splits the pair
                 })
        {
            var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
            var claimed = await s.A.MarkWebhookProcessingAsync(id);
            await s.A.MarkWebhookFailedAsync(id, error, s.Now.AddMinutes(1), claimed.ClaimToken!);
            Assert.Equal(stored, (await s.A.GetWebhookAsync(id))!.LastError);
        }
    }

    [Fact]
    public async Task Ids_sort_by_utf8_bytes_on_every_backend()
    {
        // UTF-16 code-unit order puts U+1F600 (a surrogate pair, D83D DE00) before U+E000; UTF-8 byte order (EE… < F0…)
        // and code-point order put it after. Every backend must agree on byte order (decisions.md, "Reads and ordering").
        await using var s = await OpenAsync();
        string[] ids = ["p-\U0001F600", "p-\uE000", "p-z", "p-\u00E9"];
        foreach (var id in ids) await s.A.Products.CreateProductAsync(Make.Product(s.Now, id));
        Assert.Equal(["p-z", "p-\u00E9", "p-\uE000", "p-\U0001F600"], (await s.A.Products.ListProductsAsync()).Select(p => p.Id));

        foreach (var id in ids) await s.A.SaveRefundQuoteAsync(Make.Refund(Start, id) with { CreatedAt = Start });
        Assert.Equal(["p-z", "p-\u00E9", "p-\uE000", "p-\U0001F600"],
            (await s.A.ListPendingRefundsAsync()).Select(r => r.Id).Where(ids.Contains));
    }

    [Fact]
    public async Task Housekeeping_and_time_filters_accept_extreme_instants()
    {
        await using var s = await OpenAsync();
        foreach (var t in new[] { DateTimeOffset.MinValue, DateTimeOffset.MaxValue })
        {
            await s.A.CleanupExpiredInventoryReservationsAsync(t);
            await s.A.CleanupCompletedWebhooksAsync(t);
            await s.A.ArchiveOldPaymentsAsync(t);
            await s.A.ExpireStripeSessionsAsync(t);
            Assert.Empty(await s.A.Subscriptions.ListExpiringAsync(t));
            Assert.Equal(0, (await s.A.ListOrdersFilteredAsync(null, null, t, t, 10, 0)).Total);
        }
    }

    [Fact]
    public async Task Extreme_instants_round_trip_alike_on_every_backend()
    {
        await using var s = await OpenAsync();
        // default(DateTimeOffset) (= MinValue) means "now" for a creation time, so the earliest storable instant is 1 µs later.
        var earliest = DateTimeOffset.MinValue.AddTicks(TimeSpan.TicksPerMicrosecond);
        var cart = Make.Cart(s.Now) with { CreatedAt = earliest, ExpiresAt = DateTimeOffset.MaxValue };
        await s.A.SaveCartQuoteAsync(cart);
        var read = (await s.A.GetCartQuoteAsync(cart.Id))!;
        Assert.Equal(earliest, read.CreatedAt);
        Assert.Equal(Cedros.Storage.Internal.StorageTime.Micro(DateTimeOffset.MaxValue), read.ExpiresAt);
    }

    [Fact]
    public async Task A_usage_count_at_int_MaxValue_is_LimitReached_not_an_overflow()
    {
        await using var s = await OpenAsync();
        var coupon = Make.Coupon(s.Now) with { UsageLimit = null, UsageCount = int.MaxValue - 1 };
        await s.A.Coupons.CreateCouponAsync(coupon);
        Assert.Equal(int.MaxValue, await s.A.Coupons.IncrementUsageAsync(coupon.Code));
        await ExpectKind.LimitReached(() => s.A.Coupons.IncrementUsageAsync(coupon.Code));
        Assert.Equal(int.MaxValue, (await s.A.Coupons.GetCouponAsync(coupon.Code))!.UsageCount);
    }

    [Fact]
    public async Task Ill_formed_and_near_duplicate_signatures_never_collide()
    {
        // SQLite used to store both as "sig\uFFFD", so the second was a false replay.
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.RecordPaymentAsync(Make.Payment(s.Now, "sig\ud800")));
        await ExpectKind.Validation(() => s.A.RecordPaymentAsync(Make.Payment(s.Now, "sig\udbff")));
        await s.A.RecordPaymentAsync(Make.Payment(s.Now, "sig\uFFFD"));
        Assert.True(await s.A.TryRecordPaymentAsync(Make.Payment(s.Now, "sig\U0001F600")));
    }

    [Fact]
    public async Task A_signature_repeated_in_one_batch_is_Validation_naming_the_item_and_a_recorded_one_stays_a_replay()
    {
        await using var s = await OpenAsync();
        var recorded = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(recorded);
        var fresh = Make.Payment(s.Now);
        var twice = Make.Payment(s.Now);
        var ex = Assert.IsType<StorageValidationException>(
            await ExpectKind.Validation(() => s.A.RecordPaymentsAsync([fresh, twice, twice with { Amount = 5 }])));
        Assert.Equal("signature", ex.Field);
        Assert.Equal(2, ex.ItemIndex);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(fresh.Signature));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(twice.Signature));

        var replay = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentsAsync([fresh, recorded]));
        Assert.Equal([recorded.Signature], replay.Signatures);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(fresh.Signature));
    }
}

/// <summary>One bad-input case: the call, the field its error must name (and batch item), and how to read back what it must not have written.</summary>
public sealed record BadCase(string Name, string Field, int? Item, Func<BadInputContext, Task> Call, Func<BadInputContext, Task<bool>>? Written)
{
    public override string ToString() => Name;
}

/// <summary>A storage with one row of every kind already in it, so update methods have a target to (not) change.</summary>
public sealed class BadInputContext
{
    private BadInputContext(TestStorage s) => S = s;

    public TestStorage S { get; }
    public ITenantStorage T => S.A;
    public DateTimeOffset Now => S.Now;
    public string CartId { get; } = Make.Id("cart");
    public string RefundId { get; } = Make.Id("refund");
    public string OrderId { get; } = Make.Id("order");
    public string FulfillmentId { get; } = Make.Id("ful");
    public string ResCart { get; } = Make.Id("rescart");
    public string Signature { get; } = Make.Id("sig");
    public string NonceId { get; } = Make.Id("nonce");
    public string WebhookId { get; } = Make.Id("wh");
    public string ClaimToken { get; private set; } = "";
    public string IdemKey { get; } = Make.Id("idem");
    public string LockToken { get; private set; } = "";
    public string SessionId { get; } = Make.Id("cs");
    public string ProductId { get; } = Make.Id("prod");
    public string CouponCode { get; } = Make.Id("SEED");
    public string SubscriptionId { get; } = Make.Id("sub");

    public static async Task<BadInputContext> SeedAsync(TestStorage s)
    {
        var c = new BadInputContext(s);
        var t = s.A;
        await t.SaveCartQuoteAsync(Make.Cart(c.Now, c.CartId));
        await t.SaveRefundQuoteAsync(Make.Refund(c.Now, c.RefundId));
        await t.TryStoreOrderAsync(Make.Order(c.Now, c.OrderId));
        await t.CreateFulfillmentAsync(Make.Fulfillment(c.Now, c.OrderId, c.FulfillmentId));
        await t.ReserveInventoryAsync(Make.Reservation(c.Now, cartId: c.ResCart));
        await t.RecordPaymentAsync(Make.Payment(c.Now, c.Signature));
        await t.CreateNonceAsync(Make.Nonce(c.Now, id: c.NonceId));
        await t.EnqueueWebhookAsync(Make.Webhook(c.WebhookId));
        c.ClaimToken = (await t.MarkWebhookProcessingAsync(c.WebhookId)).ClaimToken!;
        await t.EnqueueWebhookAsync(Make.Webhook()); // a pending one a bad dequeue must not claim
        c.LockToken = (await t.TryBeginIdempotentRequestAsync(c.IdemKey, "fp", TimeSpan.FromMinutes(1))).LockToken!;
        await t.SaveIdempotencyKeyAsync(Make.Id("idem"), Make.Response(c.Now), TimeSpan.FromHours(1));
        await t.SaveStripeSessionAsync(Make.StripeSession(c.Now, c.SessionId));
        await t.Products.CreateProductAsync(Make.Product(c.Now, c.ProductId));
        await t.Coupons.CreateCouponAsync(Make.Coupon(c.Now, c.CouponCode) with { AutoApply = true, UsageLimit = 10 });
        await t.Subscriptions.CreateAsync(Make.Subscription(c.Now, c.SubscriptionId) with { StripeSubscriptionId = Make.Id("stripe-sub"), StripeCustomerId = "cus-1" });
        return c;
    }

    /// <summary>Everything the seeded rows look like through the API, as one string.</summary>
    public async Task<string> SnapshotAsync()
    {
        var t = T;
        var state = new object?[]
        {
            await t.GetCartQuoteAsync(CartId),
            await t.GetRefundQuoteAsync(RefundId),
            await t.ListPendingRefundsAsync(),
            await t.ListOrdersFilteredAsync(null, null, null, null, 1000, 0),
            await t.ListOrderHistoryAsync(OrderId, 1000),
            await t.ListFulfillmentsAsync(OrderId, 1000),
            await t.GetReservedQuantityAsync("prod-1"),
            await t.ListActiveReservationsForCartAsync(ResCart),
            await t.GetPaymentAsync(Signature),
            await t.ListWebhooksAsync(null, 1000),
            await t.CountWebhooksByStatusAsync(),
            await t.ListStripeSessionsByResourceAsync("prod-1", null, 1000),
            await t.Products.ListProductsAsync(),
            await t.Coupons.ListCouponsAsync(),
            await t.Subscriptions.ListByProductAsync("prod-1"),
        };
        return JsonSerializer.Serialize(state);
    }
}

/// <summary>The cases, built per group with fresh ids.</summary>
public static class BadInputMatrix
{
    public static TheoryData<string> Groups => new(GroupNames);

    public static readonly string[] GroupNames =
    [
        "tenants", "carts", "refunds", "orders", "fulfillments", "inventory", "payments", "nonces", "webhooks", "idempotency",
        "stripe", "products", "coupons", "subscriptions", "transactions",
    ];

    private sealed record Kind(string Name, string? Value);

    private const string Nul = "NUL";
    private static readonly string LongId = new('i', 256);
    private static readonly string LongText = new('t', 4097);

    private static readonly Kind[] IllFormed =
    [
        new(Nul, "x\0y"), new("high surrogate", "x\ud800"), new("low surrogate", "x\udc00y"), new("reversed pair", "x\udc00\ud800"),
    ];

    private static readonly Kind[] IdKinds =
        [new("null", null), new("empty", ""), new("whitespace", " \t "), new("over-long", LongId), .. IllFormed];

    private static readonly Kind[] RequiredKinds =
        [new("null", null), new("empty", ""), new("whitespace", "   "), new("over-long", LongText), .. IllFormed];

    private static readonly Kind[] TextKinds = [new("over-long", LongText), .. IllFormed];

    private static readonly Kind[] CodeKinds =
    [
        new("null", null), new("empty", ""), new("whitespace", " "), new("over-long", new string('C', 65)),
        new("trailing newline", "SAVE10\n"), new("inner space", "SAVE 10"), new("non-ASCII", "\u017Fave10"), new(Nul, "SAVE\0"),
        new("high surrogate", "SAVE\ud800"),
    ];

    private static readonly (string Name, Func<IReadOnlyDictionary<string, string>> Map)[] MapKinds =
    [
        ("null value", () => new Dictionary<string, string> { ["k"] = null! }),
        ("NUL key", () => new Dictionary<string, string> { ["k\0"] = "v" }),
        ("NUL value", () => new Dictionary<string, string> { ["k"] = "v\0" }),
        ("surrogate key", () => new Dictionary<string, string> { ["k\ud800"] = "v" }),
        ("surrogate value", () => new Dictionary<string, string> { ["k"] = "v\udfff" }),
        ("over 1 MiB", () => new Dictionary<string, string> { ["k"] = new string('m', 1_100_000) }),
    ];

    private static readonly (string Name, TimeSpan Value)[] BadTtl =
    [
        ("zero", TimeSpan.Zero), ("negative", TimeSpan.FromTicks(-1)), ("MinValue", TimeSpan.MinValue), ("MaxValue", TimeSpan.MaxValue),
        ("over 10 years", TimeSpan.FromDays(3651)),
    ];

    private static readonly (string Name, TimeSpan Value)[] BadLease =
    [
        ("zero", TimeSpan.Zero), ("negative", TimeSpan.FromSeconds(-1)), ("MinValue", TimeSpan.MinValue), ("MaxValue", TimeSpan.MaxValue),
        ("over 1 day", TimeSpan.FromDays(1) + TimeSpan.FromTicks(10)),
    ];

    private static readonly (string Name, int Value)[] BadLimits = [("-1", -1), ("1001", 1001), ("int.MinValue", int.MinValue), ("int.MaxValue", int.MaxValue)];

    /// <summary>Builds the cases of one group (fresh ids every call).</summary>
    public static IReadOnlyList<BadCase> Build(string group)
    {
        var b = new Builder();
        switch (group)
        {
            case "tenants": Tenants(b); break;
            case "carts": Carts(b); break;
            case "refunds": Refunds(b); break;
            case "orders": Orders(b); break;
            case "fulfillments": Fulfillments(b); break;
            case "inventory": Inventory(b); break;
            case "payments": Payments(b); break;
            case "nonces": Nonces(b); break;
            case "webhooks": Webhooks(b); break;
            case "idempotency": Idempotency(b); break;
            case "stripe": Stripe(b); break;
            case "products": Products(b); break;
            case "coupons": Coupons(b); break;
            case "subscriptions": Subscriptions(b); break;
            case "transactions": Transactions(b); break;
            default: throw new ArgumentOutOfRangeException(nameof(group));
        }
        return b.Cases;
    }

    /// <summary>Runs every case; returns one line per wrong case.</summary>
    public static async Task<List<string>> RunAsync(BadInputContext ctx, IReadOnlyList<BadCase> cases)
    {
        var failures = new List<string>();
        var snapshot = await ctx.SnapshotAsync();
        foreach (var c in cases)
        {
            string? problem;
            try
            {
                await c.Call(ctx);
                problem = "accepted";
            }
            catch (StorageValidationException e)
            {
                problem = e.Field == c.Field && (c.Item is null || e.ItemIndex == c.Item)
                    ? null
                    : $"Validation naming '{e.Field}' item {Item(e.ItemIndex)}, expected '{c.Field}' item {Item(c.Item)} ({Short(e.Message)})";
            }
            catch (Exception e)
            {
                problem = $"{e.GetType().Name} ({(e is StorageException se ? se.Kind + ": " : "")}{Short(e.Message)})";
            }
            try
            {
                if (c.Written is { } written && await written(ctx)) problem = Join(problem, "and wrote its row");
                var now = await ctx.SnapshotAsync();
                if (now != snapshot)
                {
                    problem = Join(problem, "and changed stored rows");
                    snapshot = now;
                }
            }
            catch (Exception e)
            {
                problem = Join(problem, $"and reading back failed with {e.GetType().Name}");
            }
            if (problem is not null) failures.Add($"{c.Name}: {problem}");
        }
        return failures;
    }

    private static string Item(int? item) => item is { } i ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static string Join(string? a, string b) => a is null ? b.Replace("and ", "", StringComparison.Ordinal) : $"{a} {b}";

    private static string Short(string message) =>
        (message.Length > 120 ? message[..120] + "…" : message).Replace("\0", "\\0", StringComparison.Ordinal).ReplaceLineEndings(" ");

    /// <summary>True when the read finds a row; a read the new rules reject (its id is itself bad) finds nothing.</summary>
    private static async Task<bool> Exists<T>(Func<Task<T?>> read)
    {
        try
        {
            return await read() is not null;
        }
        catch (StorageValidationException)
        {
            return false;
        }
    }

    private static async Task<bool> Any<T>(Func<Task<IReadOnlyList<T>>> read)
    {
        try
        {
            return (await read()).Count > 0;
        }
        catch (StorageValidationException)
        {
            return false;
        }
    }

    private sealed class Builder
    {
        public List<BadCase> Cases { get; } = [];

        /// <summary>One case per string kind; the call gets a fresh valid id and the bad value.</summary>
        public void Str(string method, string field, IEnumerable<Kind> kinds, Func<BadInputContext, string, string?, Task> call,
            Func<BadInputContext, string, string?, Task<bool>>? written = null, int? item = null)
        {
            foreach (var kind in kinds)
            {
                var id = Make.Id("bad");
                Cases.Add(new BadCase($"{method} {field}={kind.Name}{(item is { } i ? $" (item {i})" : "")}", field, item,
                    c => call(c, id, kind.Value), written is null ? null : c => written(c, id, kind.Value)));
            }
        }

        /// <summary>One case per metadata kind.</summary>
        public void Map(string method, string field, Func<BadInputContext, string, IReadOnlyDictionary<string, string>, Task> call,
            Func<BadInputContext, string, Task<bool>>? written = null, int? item = null)
        {
            foreach (var (name, map) in MapKinds)
            {
                var id = Make.Id("bad");
                Cases.Add(new BadCase($"{method} {field}={name}", field, item, c => call(c, id, map()),
                    written is null ? null : c => written(c, id)));
            }
        }

        /// <summary>One named case.</summary>
        public void One(string method, string kind, string field, Func<BadInputContext, string, Task> call,
            Func<BadInputContext, string, Task<bool>>? written = null, int? item = null)
        {
            var id = Make.Id("bad");
            Cases.Add(new BadCase($"{method} {field}={kind}", field, item, c => call(c, id), written is null ? null : c => written(c, id)));
        }

        public void Limits(string method, string field, Func<BadInputContext, int, Task> call)
        {
            foreach (var (name, value) in BadLimits) One(method, name, field, (c, _) => call(c, value));
        }
    }

    // ---------------------------------------------------------------- tenants

    private static void Tenants(Builder b)
    {
        Kind[] kinds =
        [
            new("null", null), new("empty", ""), new("whitespace", " "), new("trailing newline", "acme\n"), new("CRLF", "acme\r\n"),
            new("over-long", new string('t', 65)), new("inner space", "ac me"), new("dot", "acme.eu"), new("non-ASCII", "\u00E4cme"),
            new(Nul, "acme\0"), new("high surrogate", "acme\ud800"),
        ];
        b.Str("ForTenant", "tenantId", kinds, (c, _, v) => Task.FromResult(c.S.Storage.ForTenant(v!)));
        b.Str("FixedTenantAccessor", "tenantId", kinds, (_, _, v) => Task.FromResult(new FixedTenantAccessor(v!)));
    }

    // ---------------------------------------------------------------- carts

    private static CartQuote Cart(BadInputContext c, string id) => Make.Cart(c.Now, id);
    private static CartItem CartLine => new() { ResourceId = "prod-1", Quantity = 1, Price = 5, Asset = "USDC" };

    private static void Carts(Builder b)
    {
        const string save = "SaveCartQuoteAsync";
        Func<BadInputContext, string, string?, Task<bool>> cartWritten = (c, id, _) => Exists(() => c.T.GetCartQuoteAsync(id));
        b.Str(save, "cart id", IdKinds, (c, _, v) => c.T.SaveCartQuoteAsync(Make.Cart(c.Now) with { Id = v! }), (c, _, v) => Exists(() => c.T.GetCartQuoteAsync(v!)));
        b.Str(save, "items[0].resource_id", IdKinds, (c, id, v) => c.T.SaveCartQuoteAsync(Cart(c, id) with { Items = [CartLine with { ResourceId = v! }] }), cartWritten);
        b.Str(save, "items[0].asset", TextKinds, (c, id, v) => c.T.SaveCartQuoteAsync(Cart(c, id) with { Items = [CartLine with { Asset = v! }] }), cartWritten);
        b.Str(save, "total_asset", TextKinds, (c, id, v) => c.T.SaveCartQuoteAsync(Cart(c, id) with { TotalAsset = v! }), cartWritten);
        b.Str(save, "wallet_paid_by", TextKinds, (c, id, v) => c.T.SaveCartQuoteAsync(Cart(c, id) with { WalletPaidBy = v }), cartWritten);
        b.Map(save, "metadata", (c, id, m) => c.T.SaveCartQuoteAsync(Cart(c, id) with { Metadata = m }), (c, id) => Exists(() => c.T.GetCartQuoteAsync(id)));
        b.Map(save, "items[0].metadata", (c, id, m) => c.T.SaveCartQuoteAsync(Cart(c, id) with { Items = [CartLine with { Metadata = m }] }), (c, id) => Exists(() => c.T.GetCartQuoteAsync(id)));
        b.One(save, "null", "quote", (c, _) => c.T.SaveCartQuoteAsync(null!));
        b.One(save, "null line", "items", (c, id) => c.T.SaveCartQuoteAsync(Cart(c, id) with { Items = [null!] }), (c, id) => Exists(() => c.T.GetCartQuoteAsync(id)));
        foreach (var (name, q) in new[] { ("0", 0), ("-1", -1), ("int.MinValue", int.MinValue) })
            b.One(save, name, "items[0].quantity", (c, id) => c.T.SaveCartQuoteAsync(Cart(c, id) with { Items = [CartLine with { Quantity = q }] }), (c, id) => Exists(() => c.T.GetCartQuoteAsync(id)));
        b.One(save, "-1", "items[0].price", (c, id) => c.T.SaveCartQuoteAsync(Cart(c, id) with { Items = [CartLine with { Price = -1 }] }), (c, id) => Exists(() => c.T.GetCartQuoteAsync(id)));
        foreach (var (name, a) in new[] { ("-1", -1L), ("long.MinValue", long.MinValue) })
            b.One(save, name, "total_amount", (c, id) => c.T.SaveCartQuoteAsync(Cart(c, id) with { TotalAmount = a }), (c, id) => Exists(() => c.T.GetCartQuoteAsync(id)));

        b.Str("GetCartQuoteAsync", "cart id", IdKinds, (c, _, v) => c.T.GetCartQuoteAsync(v!));
        b.Str("MarkCartPaidAsync", "cart id", IdKinds, (c, _, v) => c.T.MarkCartPaidAsync(v!, "wallet-1"));
        b.Str("MarkCartPaidAsync", "wallet", RequiredKinds, (c, _, v) => c.T.MarkCartPaidAsync(c.CartId, v!));
        b.Str("HasCartAccessAsync", "cart id", IdKinds, (c, _, v) => c.T.HasCartAccessAsync(v!, "wallet-1"));
        b.Str("HasCartAccessAsync", "wallet", TextKinds, (c, _, v) => c.T.HasCartAccessAsync(c.CartId, v!));

        const string batch = "SaveCartQuotesAsync";
        b.One(batch, "null", "quotes", (c, _) => c.T.SaveCartQuotesAsync(null!));
        b.One(batch, "10,001 items", "quotes", (c, id) => c.T.SaveCartQuotesAsync(
            [Cart(c, id), .. Enumerable.Range(0, 10_000).Select(_ => Make.Cart(c.Now))]), (c, id) => Exists(() => c.T.GetCartQuoteAsync(id)));
        b.One(batch, "null item", "quotes", (c, id) => c.T.SaveCartQuotesAsync([Cart(c, id), null!]), (c, id) => Exists(() => c.T.GetCartQuoteAsync(id)), item: 1);
        b.One(batch, "duplicate id", "cart id", (c, id) => c.T.SaveCartQuotesAsync([Cart(c, id), Make.Cart(c.Now), Cart(c, id)]), (c, id) => Exists(() => c.T.GetCartQuoteAsync(id)), item: 2);
        b.Str(batch, "cart id", IllFormed, (c, id, v) => c.T.SaveCartQuotesAsync([Cart(c, id), Make.Cart(c.Now) with { Id = v! }]), cartWritten, item: 1);
        b.Str(batch, "total_asset", IllFormed, (c, id, v) => c.T.SaveCartQuotesAsync([Cart(c, id), Make.Cart(c.Now) with { TotalAsset = v! }]), cartWritten, item: 1);

        const string get = "GetCartQuotesAsync";
        b.One(get, "null", "cart ids", (c, _) => c.T.GetCartQuotesAsync(null!));
        b.One(get, "10,001 ids", "cart ids", (c, _) => c.T.GetCartQuotesAsync(Enumerable.Range(0, 10_001).Select(i => $"c{i}").ToArray()));
        b.One(get, "null item", "cart ids", (c, _) => c.T.GetCartQuotesAsync([c.CartId, null!]), item: 1);
        b.Str(get, "cart id", IdKinds.Where(k => k.Value is not null), (c, _, v) => c.T.GetCartQuotesAsync([c.CartId, v!]), item: 1);
    }

    // ---------------------------------------------------------------- refunds

    private static void Refunds(Builder b)
    {
        const string save = "SaveRefundQuoteAsync";
        Func<BadInputContext, string, string?, Task<bool>> w = (c, id, _) => Exists(() => c.T.GetRefundQuoteAsync(id));
        RefundQuote R(BadInputContext c, string id) => Make.Refund(c.Now, id);
        b.Str(save, "refund id", IdKinds, (c, _, v) => c.T.SaveRefundQuoteAsync(Make.Refund(c.Now) with { Id = v! }), (c, _, v) => Exists(() => c.T.GetRefundQuoteAsync(v!)));
        b.Str(save, "original_purchase_id", IdKinds, (c, id, v) => c.T.SaveRefundQuoteAsync(R(c, id) with { OriginalPurchaseId = v! }), w);
        b.Str(save, "recipient_wallet", RequiredKinds, (c, id, v) => c.T.SaveRefundQuoteAsync(R(c, id) with { RecipientWallet = v! }), w);
        b.Str(save, "amount_asset", TextKinds, (c, id, v) => c.T.SaveRefundQuoteAsync(R(c, id) with { AmountAsset = v! }), w);
        b.Str(save, "token", TextKinds, (c, id, v) => c.T.SaveRefundQuoteAsync(R(c, id) with { Token = v }), w);
        b.Str(save, "token_mint", TextKinds, (c, id, v) => c.T.SaveRefundQuoteAsync(R(c, id) with { TokenMint = v }), w);
        b.Str(save, "processed_by", TextKinds, (c, id, v) => c.T.SaveRefundQuoteAsync(R(c, id) with { ProcessedBy = v }), w);
        b.Str(save, "signature", TextKinds, (c, id, v) => c.T.SaveRefundQuoteAsync(R(c, id) with { Signature = v }), w);
        b.Str(save, "reason", TextKinds, (c, id, v) => c.T.SaveRefundQuoteAsync(R(c, id) with { Reason = v }), w);
        b.Map(save, "metadata", (c, id, m) => c.T.SaveRefundQuoteAsync(R(c, id) with { Metadata = m }), (c, id) => Exists(() => c.T.GetRefundQuoteAsync(id)));
        b.One(save, "null", "quote", (c, _) => c.T.SaveRefundQuoteAsync(null!));
        b.One(save, "-1", "amount", (c, id) => c.T.SaveRefundQuoteAsync(R(c, id) with { Amount = -1 }), (c, id) => Exists(() => c.T.GetRefundQuoteAsync(id)));
        b.One(save, "long.MinValue", "amount", (c, id) => c.T.SaveRefundQuoteAsync(R(c, id) with { Amount = long.MinValue }), (c, id) => Exists(() => c.T.GetRefundQuoteAsync(id)));
        b.One(save, "-1", "token_decimals", (c, id) => c.T.SaveRefundQuoteAsync(R(c, id) with { TokenDecimals = -1 }), (c, id) => Exists(() => c.T.GetRefundQuoteAsync(id)));
        b.One(save, "undefined", "status", (c, id) => c.T.SaveRefundQuoteAsync(R(c, id) with { Status = (RefundStatus)99 }), (c, id) => Exists(() => c.T.GetRefundQuoteAsync(id)));

        b.Str("GetRefundQuoteAsync", "refund id", IdKinds, (c, _, v) => c.T.GetRefundQuoteAsync(v!));
        b.Str("GetRefundQuoteByOriginalPurchaseIdAsync", "original_purchase_id", IdKinds, (c, _, v) => c.T.GetRefundQuoteByOriginalPurchaseIdAsync(v!));
        b.Str("ListRefundsForPurchaseAsync", "original_purchase_id", IdKinds, (c, _, v) => c.T.ListRefundsForPurchaseAsync(v!));
        b.Str("TryBeginRefundPayoutAsync", "refund id", IdKinds, (c, _, v) => c.T.TryBeginRefundPayoutAsync(v!, "worker", TimeSpan.FromMinutes(1)));
        b.Str("TryBeginRefundPayoutAsync", "processed_by", RequiredKinds, (c, _, v) => c.T.TryBeginRefundPayoutAsync(c.RefundId, v!, TimeSpan.FromMinutes(1)));
        foreach (var (name, ttl) in BadLease)
            b.One("TryBeginRefundPayoutAsync", name, "lease_ttl", (c, _) => c.T.TryBeginRefundPayoutAsync(c.RefundId, "worker", ttl));
        b.Str("ReleaseRefundPayoutAsync", "refund id", IdKinds, (c, _, v) => c.T.ReleaseRefundPayoutAsync(v!, "token"));
        b.Str("ReleaseRefundPayoutAsync", "claim token", IdKinds, (c, _, v) => c.T.ReleaseRefundPayoutAsync(c.RefundId, v!));
        b.Str("MarkRefundProcessedAsync", "refund id", IdKinds, (c, _, v) => c.T.MarkRefundProcessedAsync(v!, "admin", "sig-1"));
        b.Str("MarkRefundProcessedAsync", "processed_by", RequiredKinds, (c, _, v) => c.T.MarkRefundProcessedAsync(c.RefundId, v!, "sig-1"));
        b.Str("MarkRefundProcessedAsync", "signature", RequiredKinds, (c, _, v) => c.T.MarkRefundProcessedAsync(c.RefundId, "admin", v!));
        b.Str("DeleteRefundQuoteAsync", "refund id", IdKinds, (c, _, v) => c.T.DeleteRefundQuoteAsync(v!));

        const string batch = "SaveRefundQuotesAsync";
        b.One(batch, "null", "quotes", (c, _) => c.T.SaveRefundQuotesAsync(null!));
        b.One(batch, "10,001 items", "quotes", (c, id) => c.T.SaveRefundQuotesAsync(
            [R(c, id), .. Enumerable.Range(0, 10_000).Select(_ => Make.Refund(c.Now))]), (c, id) => Exists(() => c.T.GetRefundQuoteAsync(id)));
        b.One(batch, "null item", "quotes", (c, id) => c.T.SaveRefundQuotesAsync([R(c, id), null!]), (c, id) => Exists(() => c.T.GetRefundQuoteAsync(id)), item: 1);
        b.One(batch, "duplicate id", "refund id", (c, id) => c.T.SaveRefundQuotesAsync([R(c, id), R(c, id)]), (c, id) => Exists(() => c.T.GetRefundQuoteAsync(id)), item: 1);
        b.Str(batch, "recipient_wallet", IllFormed, (c, id, v) => c.T.SaveRefundQuotesAsync([R(c, id), Make.Refund(c.Now) with { RecipientWallet = v! }]), w, item: 1);
    }

    // ---------------------------------------------------------------- orders

    private static OrderItem OrderLine => new() { ProductId = "prod-1", Quantity = 1, UnitPrice = 5, Asset = "USDC" };

    private static void Orders(Builder b)
    {
        const string store = "TryStoreOrderAsync";
        Func<BadInputContext, string, string?, Task<bool>> w = (c, id, _) => Exists(() => c.T.GetOrderAsync(id));
        Func<BadInputContext, string, Task<bool>> w1 = (c, id) => Exists(() => c.T.GetOrderAsync(id));
        Order O(BadInputContext c, string id) => Make.Order(c.Now, id);
        b.Str(store, "order id", IdKinds, (c, _, v) => c.T.TryStoreOrderAsync(Make.Order(c.Now) with { Id = v! }), (c, _, v) => Exists(() => c.T.GetOrderAsync(v!)));
        b.Str(store, "source", RequiredKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { Source = v! }), w);
        b.Str(store, "purchase_id", IdKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { PurchaseId = v! }), w);
        b.Str(store, "resource_id", IdKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { ResourceId = v! }), w);
        b.Str(store, "user_id", TextKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { UserId = v }), w);
        b.Str(store, "customer", TextKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { Customer = v }), w);
        b.Str(store, "amount_asset", RequiredKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { AmountAsset = v! }), w);
        b.Str(store, "customer_email", TextKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { CustomerEmail = v }), w);
        b.Str(store, "items[0].product_id", IdKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { Items = [OrderLine with { ProductId = v! }] }), w);
        b.Str(store, "items[0].variant_id", IdKinds.Where(k => k.Value is not null), (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { Items = [OrderLine with { VariantId = v }] }), w);
        b.Str(store, "items[0].name", TextKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { Items = [OrderLine with { Name = v }] }), w);
        b.Str(store, "items[0].asset", TextKinds, (c, id, v) => c.T.TryStoreOrderAsync(O(c, id) with { Items = [OrderLine with { Asset = v }] }), w);
        b.Map(store, "metadata", (c, id, m) => c.T.TryStoreOrderAsync(O(c, id) with { Metadata = m }), w1);
        b.Map(store, "shipping", (c, id, m) => c.T.TryStoreOrderAsync(O(c, id) with { Shipping = m }), w1);
        b.Map(store, "items[0].metadata", (c, id, m) => c.T.TryStoreOrderAsync(O(c, id) with { Items = [OrderLine with { Metadata = m }] }), w1);
        b.One(store, "null", "order", (c, _) => c.T.TryStoreOrderAsync(null!));
        b.One(store, "-1", "amount", (c, id) => c.T.TryStoreOrderAsync(O(c, id) with { Amount = -1 }), w1);
        b.One(store, "undefined", "status", (c, id) => c.T.TryStoreOrderAsync(O(c, id) with { Status = (OrderStatus)99 }), w1);
        b.One(store, "0", "items[0].quantity", (c, id) => c.T.TryStoreOrderAsync(O(c, id) with { Items = [OrderLine with { Quantity = 0 }] }), w1);
        b.One(store, "long.MinValue", "items[0].unit_price", (c, id) => c.T.TryStoreOrderAsync(O(c, id) with { Items = [OrderLine with { UnitPrice = long.MinValue }] }), w1);

        b.Str("GetOrderAsync", "order id", IdKinds, (c, _, v) => c.T.GetOrderAsync(v!));
        b.Str("GetOrderByPurchaseAsync", "source", RequiredKinds, (c, _, v) => c.T.GetOrderByPurchaseAsync(v!, "p-1"));
        b.Str("GetOrderByPurchaseAsync", "purchase_id", IdKinds, (c, _, v) => c.T.GetOrderByPurchaseAsync("x402", v!));
        b.Limits("ListOrdersAsync", "limit", (c, l) => c.T.ListOrdersAsync(l, 0));
        b.One("ListOrdersAsync", "-1", "offset", (c, _) => c.T.ListOrdersAsync(10, -1));
        b.One("ListOrdersAsync", "int.MinValue", "offset", (c, _) => c.T.ListOrdersAsync(10, int.MinValue));
        b.Limits("ListOrdersFilteredAsync", "limit", (c, l) => c.T.ListOrdersFilteredAsync(null, null, null, null, l, 0));
        b.One("ListOrdersFilteredAsync", "-1", "offset", (c, _) => c.T.ListOrdersFilteredAsync(null, null, null, null, 10, -1));
        b.One("ListOrdersFilteredAsync", "undefined", "status", (c, _) => c.T.ListOrdersFilteredAsync((OrderStatus)99, null, null, null, 10, 0));
        b.Str("ListOrdersFilteredAsync", "search", TextKinds, (c, _, v) => c.T.ListOrdersFilteredAsync(null, v, null, null, 10, 0));
        b.Str("UpdateOrderStatusAsync", "order id", IdKinds, (c, _, v) => c.T.UpdateOrderStatusAsync(v!, OrderStatus.Paid, c.Now, c.Now));
        b.One("UpdateOrderStatusAsync", "undefined", "status", (c, _) => c.T.UpdateOrderStatusAsync(c.OrderId, (OrderStatus)99, c.Now, c.Now));

        const string append = "AppendOrderHistoryAsync";
        OrderHistoryEntry E(string orderId, string id) => new() { Id = id, OrderId = orderId, FromStatus = OrderStatus.Created, ToStatus = OrderStatus.Paid, CreatedAt = DateTimeOffset.UnixEpoch };
        Func<BadInputContext, string, string?, Task<bool>> hw = (c, id, _) => Any(() => c.T.ListOrderHistoryAsync(id, 10));
        b.Str(append, "history id", IdKinds, (c, id, v) => c.T.AppendOrderHistoryAsync(E(id, v!)), hw);
        b.Str(append, "order_id", IdKinds, (c, id, v) => c.T.AppendOrderHistoryAsync(E(v!, id)), (c, _, v) => Any(() => c.T.ListOrderHistoryAsync(v!, 10)));
        b.Str(append, "note", TextKinds, (c, id, v) => c.T.AppendOrderHistoryAsync(E(id, id) with { Note = v }), hw);
        b.Str(append, "actor", TextKinds, (c, id, v) => c.T.AppendOrderHistoryAsync(E(id, id) with { Actor = v }), hw);
        b.One(append, "null", "entry", (c, _) => c.T.AppendOrderHistoryAsync(null!));
        b.One(append, "undefined", "from_status", (c, id) => c.T.AppendOrderHistoryAsync(E(id, id) with { FromStatus = (OrderStatus)99 }), (c, id) => Any(() => c.T.ListOrderHistoryAsync(id, 10)));
        b.One(append, "undefined", "to_status", (c, id) => c.T.AppendOrderHistoryAsync(E(id, id) with { ToStatus = (OrderStatus)(-1) }), (c, id) => Any(() => c.T.ListOrderHistoryAsync(id, 10)));

        b.Str("ListOrderHistoryAsync", "order id", IdKinds, (c, _, v) => c.T.ListOrderHistoryAsync(v!, 10));
        b.Limits("ListOrderHistoryAsync", "limit", (c, l) => c.T.ListOrderHistoryAsync(c.OrderId, l));
        b.Str("UpdateOrderStatusWithHistoryAsync", "order id", IdKinds, (c, _, v) => c.T.UpdateOrderStatusWithHistoryAsync(v!, OrderStatus.Paid, c.Now));
        b.Str("UpdateOrderStatusWithHistoryAsync", "note", TextKinds, (c, _, v) => c.T.UpdateOrderStatusWithHistoryAsync(c.OrderId, OrderStatus.Paid, c.Now, note: v));
        b.Str("UpdateOrderStatusWithHistoryAsync", "actor", TextKinds, (c, _, v) => c.T.UpdateOrderStatusWithHistoryAsync(c.OrderId, OrderStatus.Paid, c.Now, actor: v));
        b.One("UpdateOrderStatusWithHistoryAsync", "undefined", "status", (c, _) => c.T.UpdateOrderStatusWithHistoryAsync(c.OrderId, (OrderStatus)99, c.Now));
    }

    // ---------------------------------------------------------------- fulfillments

    private static void Fulfillments(Builder b)
    {
        const string create = "CreateFulfillmentAsync";
        Func<BadInputContext, string, string?, Task<bool>> w = (c, id, _) => Exists(() => c.T.GetFulfillmentAsync(id));
        Func<BadInputContext, string, Task<bool>> w1 = (c, id) => Exists(() => c.T.GetFulfillmentAsync(id));
        Fulfillment F(BadInputContext c, string id) => Make.Fulfillment(c.Now, c.OrderId, id);
        var line = new FulfillmentItem { ProductId = "prod-1", Quantity = 1 };
        b.Str(create, "fulfillment id", IdKinds, (c, _, v) => c.T.CreateFulfillmentAsync(F(c, "x") with { Id = v! }), (c, _, v) => Exists(() => c.T.GetFulfillmentAsync(v!)));
        b.Str(create, "order_id", IdKinds, (c, id, v) => c.T.CreateFulfillmentAsync(Make.Fulfillment(c.Now, v!, id)), w);
        b.Str(create, "carrier", TextKinds, (c, id, v) => c.T.CreateFulfillmentAsync(F(c, id) with { Carrier = v }), w);
        b.Str(create, "tracking_number", TextKinds, (c, id, v) => c.T.CreateFulfillmentAsync(F(c, id) with { TrackingNumber = v }), w);
        b.Str(create, "tracking_url", TextKinds, (c, id, v) => c.T.CreateFulfillmentAsync(F(c, id) with { TrackingUrl = v }), w);
        b.Str(create, "items[0].product_id", IdKinds, (c, id, v) => c.T.CreateFulfillmentAsync(F(c, id) with { Items = [line with { ProductId = v! }] }), w);
        b.Str(create, "items[0].variant_id", IllFormed, (c, id, v) => c.T.CreateFulfillmentAsync(F(c, id) with { Items = [line with { VariantId = v }] }), w);
        b.Map(create, "metadata", (c, id, m) => c.T.CreateFulfillmentAsync(F(c, id) with { Metadata = m }), w1);
        b.One(create, "null", "fulfillment", (c, _) => c.T.CreateFulfillmentAsync(null!));
        b.One(create, "undefined", "status", (c, id) => c.T.CreateFulfillmentAsync(F(c, id) with { Status = (FulfillmentStatus)99 }), w1);
        b.One(create, "-1", "items[0].quantity", (c, id) => c.T.CreateFulfillmentAsync(F(c, id) with { Items = [line with { Quantity = -1 }] }), w1);

        b.Str("GetFulfillmentAsync", "fulfillment id", IdKinds, (c, _, v) => c.T.GetFulfillmentAsync(v!));
        b.Str("ListFulfillmentsAsync", "order id", IdKinds, (c, _, v) => c.T.ListFulfillmentsAsync(v!, 10));
        b.Limits("ListFulfillmentsAsync", "limit", (c, l) => c.T.ListFulfillmentsAsync(c.OrderId, l));
        const string update = "UpdateFulfillmentStatusAsync";
        b.Str(update, "fulfillment id", IdKinds, (c, _, v) => c.T.UpdateFulfillmentStatusAsync(v!, FulfillmentStatus.Shipped, c.Now, null, c.Now));
        b.Str(update, "tracking_number", TextKinds, (c, _, v) => c.T.UpdateFulfillmentStatusAsync(c.FulfillmentId, FulfillmentStatus.Shipped, c.Now, null, c.Now, trackingNumber: v));
        b.Str(update, "tracking_url", TextKinds, (c, _, v) => c.T.UpdateFulfillmentStatusAsync(c.FulfillmentId, FulfillmentStatus.Shipped, c.Now, null, c.Now, trackingUrl: v));
        b.Str(update, "carrier", TextKinds, (c, _, v) => c.T.UpdateFulfillmentStatusAsync(c.FulfillmentId, FulfillmentStatus.Shipped, c.Now, null, c.Now, carrier: v));
        b.One(update, "undefined", "status", (c, _) => c.T.UpdateFulfillmentStatusAsync(c.FulfillmentId, (FulfillmentStatus)99, c.Now, null, c.Now));
    }

    // ---------------------------------------------------------------- inventory

    private static void Inventory(Builder b)
    {
        const string reserve = "ReserveInventoryAsync";
        // Each case reserves into its own fresh cart, so "written" = that cart has a reservation.
        Func<BadInputContext, string, string?, Task<bool>> w = (c, id, _) => Any(() => c.T.ListActiveReservationsForCartAsync(id));
        Func<BadInputContext, string, Task<bool>> w1 = (c, id) => Any(() => c.T.ListActiveReservationsForCartAsync(id));
        InventoryReservation R(BadInputContext c, string cart) => Make.Reservation(c.Now, cartId: cart);
        b.Str(reserve, "reservation id", IdKinds, (c, cart, v) => c.T.ReserveInventoryAsync(R(c, cart) with { Id = v! }), w);
        b.Str(reserve, "product_id", IdKinds, (c, cart, v) => c.T.ReserveInventoryAsync(R(c, cart) with { ProductId = v! }), w);
        b.Str(reserve, "variant_id", IdKinds.Where(k => k.Value is not null), (c, cart, v) => c.T.ReserveInventoryAsync(R(c, cart) with { VariantId = v }), w);
        b.Str(reserve, "cart_id", IdKinds.Where(k => k.Value is not null), (c, cart, v) => c.T.ReserveInventoryAsync(R(c, cart) with { CartId = v }), (c, _, v) => Any(() => c.T.ListActiveReservationsForCartAsync(v!)));
        b.One(reserve, "null", "reservation", (c, _) => c.T.ReserveInventoryAsync((InventoryReservation)null!));
        foreach (var (name, q) in new[] { ("0", 0), ("-1", -1), ("int.MinValue", int.MinValue) })
            b.One(reserve, name, "quantity", (c, cart) => c.T.ReserveInventoryAsync(R(c, cart) with { Quantity = q }), w1);
        b.One(reserve, "MinValue", "expires_at", (c, cart) => c.T.ReserveInventoryAsync(R(c, cart) with { ExpiresAt = DateTimeOffset.MinValue }), w1);
        b.One(reserve, "now", "expires_at", (c, cart) => c.T.ReserveInventoryAsync(R(c, cart) with { ExpiresAt = c.Now }), w1);
        b.Str(reserve + "(stock)", "product_id", IllFormed, (c, cart, v) => c.T.ReserveInventoryAsync(R(c, cart) with { ProductId = v! }, 10), w);
        b.One(reserve + "(stock)", "-1", "availableStock", (c, cart) => c.T.ReserveInventoryAsync(R(c, cart), -1), w1);
        b.One(reserve + "(stock)", "int.MinValue", "availableStock", (c, cart) => c.T.ReserveInventoryAsync(R(c, cart), int.MinValue), w1);

        const string batch = "ReserveInventoryAsync(batch)";
        var stock = new Dictionary<StockKey, int> { [new StockKey("prod-1")] = 1_000_000 };
        b.One(batch, "null", "reservations", (c, _) => c.T.ReserveInventoryAsync(null!, stock));
        b.One(batch, "null stock", "availableStock", (c, cart) => c.T.ReserveInventoryAsync([R(c, cart)], null!), w1);
        b.One(batch, "10,001 items", "reservations", (c, cart) => c.T.ReserveInventoryAsync(Enumerable.Range(0, 10_001).Select(_ => R(c, cart)).ToArray(), stock), w1);
        b.One(batch, "null item", "reservations", (c, cart) => c.T.ReserveInventoryAsync([R(c, cart), null!], stock), w1, item: 1);
        b.One(batch, "duplicate id", "reservation id", (c, cart) =>
        {
            var r = R(c, cart);
            return c.T.ReserveInventoryAsync([r, R(c, cart), r], stock);
        }, w1, item: 2);
        b.One(batch, "missing stock", "availableStock", (c, cart) => c.T.ReserveInventoryAsync([R(c, cart), R(c, cart) with { ProductId = "prod-2" }], stock), w1, item: 1);
        b.One(batch, "negative stock", "availableStock", (c, cart) => c.T.ReserveInventoryAsync([R(c, cart)], new Dictionary<StockKey, int> { [new StockKey("prod-1")] = -5 }), w1);
        b.One(batch, "int.MaxValue quantities", "quantity", (c, cart) => c.T.ReserveInventoryAsync(
            [R(c, cart) with { Quantity = int.MaxValue }, R(c, cart) with { Quantity = int.MaxValue }, R(c, cart) with { Quantity = 0 }], stock), w1, item: 2);
        b.Str(batch, "product_id", IllFormed, (c, cart, v) => c.T.ReserveInventoryAsync([R(c, cart), R(c, cart) with { ProductId = v! }],
            new Dictionary<StockKey, int> { [new StockKey("prod-1")] = 100, [new StockKey(v!)] = 100 }), w, item: 1);

        b.Str("GetReservedQuantityAsync", "product_id", IdKinds, (c, _, v) => c.T.GetReservedQuantityAsync(v!));
        b.Str("GetReservedQuantityAsync", "variant_id", IdKinds.Where(k => k.Value is not null), (c, _, v) => c.T.GetReservedQuantityAsync("prod-1", v));
        b.Str("ListActiveReservationsForCartAsync", "cart id", IdKinds, (c, _, v) => c.T.ListActiveReservationsForCartAsync(v!));
        b.Str("ReleaseInventoryReservationsAsync", "cart id", IdKinds, (c, _, v) => c.T.ReleaseInventoryReservationsAsync(v!, c.Now));
        b.Str("ConvertInventoryReservationsAsync", "cart id", IdKinds, (c, _, v) => c.T.ConvertInventoryReservationsAsync(v!, c.Now));
    }

    // ---------------------------------------------------------------- payments

    private static void Payments(Builder b)
    {
        Func<BadInputContext, string, string?, Task<bool>> w = (c, id, _) => c.T.HasPaymentBeenProcessedAsync(id);
        Func<BadInputContext, string, Task<bool>> w1 = (c, id) => c.T.HasPaymentBeenProcessedAsync(id);
        foreach (var method in new[] { "RecordPaymentAsync", "TryRecordPaymentAsync" })
        {
            Func<BadInputContext, PaymentTransaction, Task> call = method == "RecordPaymentAsync"
                ? (c, tx) => c.T.RecordPaymentAsync(tx)
                : (c, tx) => c.T.TryRecordPaymentAsync(tx);
            PaymentTransaction P(BadInputContext c, string id) => Make.Payment(c.Now, id);
            b.Str(method, "signature", IdKinds, (c, _, v) => call(c, Make.Payment(c.Now) with { Signature = v! }), (c, _, v) => Exists(() => c.T.GetPaymentAsync(v!)));
            b.Str(method, "resource_id", IdKinds, (c, id, v) => call(c, P(c, id) with { ResourceId = v! }), w);
            b.Str(method, "wallet", TextKinds, (c, id, v) => call(c, P(c, id) with { Wallet = v! }), w);
            b.Str(method, "amount_asset", TextKinds, (c, id, v) => call(c, P(c, id) with { AmountAsset = v! }), w);
            b.Map(method, "metadata", (c, id, m) => call(c, P(c, id) with { Metadata = m }), w1);
            b.One(method, "null", "transaction", (c, _) => call(c, null!));
            b.One(method, "-1", "amount", (c, id) => call(c, P(c, id) with { Amount = -1 }), w1);
            b.One(method, "long.MinValue", "amount", (c, id) => call(c, P(c, id) with { Amount = long.MinValue }), w1);
        }
        b.Str("HasPaymentBeenProcessedAsync", "signature", IdKinds, (c, _, v) => c.T.HasPaymentBeenProcessedAsync(v!));
        b.Str("GetPaymentAsync", "signature", IdKinds, (c, _, v) => c.T.GetPaymentAsync(v!));

        const string batch = "RecordPaymentsAsync";
        b.One(batch, "null", "transactions", (c, _) => c.T.RecordPaymentsAsync(null!));
        b.One(batch, "10,001 items", "transactions", (c, id) => c.T.RecordPaymentsAsync(
            [Make.Payment(c.Now, id), .. Enumerable.Range(0, 10_000).Select(_ => Make.Payment(c.Now))]), w1);
        b.One(batch, "null item", "transactions", (c, id) => c.T.RecordPaymentsAsync([Make.Payment(c.Now, id), null!]), w1, item: 1);
        b.One(batch, "duplicate signature", "signature", (c, id) => c.T.RecordPaymentsAsync(
            [Make.Payment(c.Now, id), Make.Payment(c.Now), Make.Payment(c.Now, id)]), w1, item: 2);
        b.Str(batch, "signature", IdKinds, (c, id, v) => c.T.RecordPaymentsAsync([Make.Payment(c.Now, id), Make.Payment(c.Now) with { Signature = v! }]), w, item: 1);
        b.Str(batch, "wallet", IllFormed, (c, id, v) => c.T.RecordPaymentsAsync([Make.Payment(c.Now, id), Make.Payment(c.Now) with { Wallet = v! }]), w, item: 1);
        b.One(batch, "-1", "amount", (c, id) => c.T.RecordPaymentsAsync([Make.Payment(c.Now, id), Make.Payment(c.Now) with { Amount = -1 }]), w1, item: 1);
    }

    // ---------------------------------------------------------------- nonces

    private static void Nonces(Builder b)
    {
        const string create = "CreateNonceAsync";
        // A nonce that was never written is NotFound on consume (and consuming a stray one is harmless here).
        static async Task<bool> Created(BadInputContext c, string id)
        {
            try
            {
                await c.T.ConsumeNonceAsync(id);
                return true;
            }
            catch (NonceException e) when (e.Reason == NonceFailureReason.NotFound)
            {
                return false;
            }
            catch (NonceException)
            {
                return true;
            }
            catch (StorageValidationException)
            {
                return false;
            }
        }
        b.Str(create, "nonce id", IdKinds, (c, _, v) => c.T.CreateNonceAsync(Make.Nonce(c.Now) with { Id = v! }), (c, _, v) => Created(c, v!));
        b.Str(create, "purpose", RequiredKinds, (c, id, v) => c.T.CreateNonceAsync(Make.Nonce(c.Now, purpose: v!, id: id)), (c, id, _) => Created(c, id));
        b.One(create, "null", "nonce", (c, _) => c.T.CreateNonceAsync(null!));
        b.One(create, "MinValue", "expires_at", (c, id) => c.T.CreateNonceAsync(Make.Nonce(c.Now, id: id) with { ExpiresAt = DateTimeOffset.MinValue }), Created);
        b.One(create, "before created_at", "expires_at", (c, id) => c.T.CreateNonceAsync(Make.Nonce(c.Now, id: id) with { CreatedAt = DateTimeOffset.MaxValue, ExpiresAt = c.Now }), Created);
        b.Str("ConsumeNonceAsync", "nonce id", IdKinds, (c, _, v) => c.T.ConsumeNonceAsync(v!));
        b.Str("ConsumeNonceAsync(purpose)", "nonce id", IdKinds, (c, _, v) => c.T.ConsumeNonceAsync(v!, "approve-refund"));
        b.Str("ConsumeNonceAsync(purpose)", "purpose", RequiredKinds, (c, _, v) => c.T.ConsumeNonceAsync(c.NonceId, v!));
    }

    // ---------------------------------------------------------------- webhooks

    private static void Webhooks(Builder b)
    {
        const string enqueue = "EnqueueWebhookAsync";
        Func<BadInputContext, string, string?, Task<bool>> w = (c, id, _) => Exists(() => c.T.GetWebhookAsync(id));
        Func<BadInputContext, string, Task<bool>> w1 = (c, id) => Exists(() => c.T.GetWebhookAsync(id));
        b.Str(enqueue, "webhook id", IdKinds.Where(k => !string.IsNullOrEmpty(k.Value)), (c, _, v) => c.T.EnqueueWebhookAsync(Make.Webhook(v)), (c, _, v) => Exists(() => c.T.GetWebhookAsync(v!)));
        b.Str(enqueue, "url", RequiredKinds, (c, id, v) => c.T.EnqueueWebhookAsync(Make.Webhook(id) with { Url = v! }), w);
        b.Str(enqueue, "event_type", TextKinds, (c, id, v) => c.T.EnqueueWebhookAsync(Make.Webhook(id) with { EventType = v! }), w);
        b.Map(enqueue, "headers", (c, id, m) => c.T.EnqueueWebhookAsync(Make.Webhook(id) with { Headers = m }), w1);
        Kind[] payloads =
        [
            new("null", null), new("empty", ""), new("whitespace", "  "), new("truncated", "{\"a\":"), new("not JSON", "hello"),
            new("two documents", "{} {}"), new("trailing comma", "{\"a\":1,}"),
            new("raw NUL", "{\"a\":\"x\0\"}"), new("NUL after the document", "{}\0"), new("escaped NUL", "{\"a\":\"x\\u0000y\"}"),
            new("escaped NUL key", "{\"\\u0000\":1}"), new("raw lone surrogate", "{\"a\":\"x\ud800\"}"),
            new("escaped lone high surrogate", "{\"a\":\"\\ud800\"}"), new("escaped lone low surrogate", "[\"\\udc00x\"]"),
            new("escaped reversed pair", "\"\\udc00\\ud800\""), new("over 1 MiB", "\"" + new string('p', 1_100_000) + "\""),
        ];
        b.Str(enqueue, "payload", payloads, (c, id, v) => c.T.EnqueueWebhookAsync(Make.Webhook(id, v!)), w);
        b.One(enqueue, "null", "webhook", (c, _) => c.T.EnqueueWebhookAsync(null!));
        b.One(enqueue, "0", "max_attempts", (c, id) => c.T.EnqueueWebhookAsync(Make.Webhook(id) with { MaxAttempts = 0 }), w1);
        b.One(enqueue, "int.MinValue", "max_attempts", (c, id) => c.T.EnqueueWebhookAsync(Make.Webhook(id) with { MaxAttempts = int.MinValue }), w1);

        b.Limits("DequeueWebhooksAsync", "limit", (c, l) => c.T.DequeueWebhooksAsync(l));
        b.Str("MarkWebhookProcessingAsync", "webhook id", IdKinds, (c, _, v) => c.T.MarkWebhookProcessingAsync(v!));
        b.Str("MarkWebhookSuccessAsync", "webhook id", IdKinds, (c, _, v) => c.T.MarkWebhookSuccessAsync(v!));
        b.Str("MarkWebhookSuccessAsync(claim)", "webhook id", IdKinds, (c, _, v) => c.T.MarkWebhookSuccessAsync(v!, c.ClaimToken));
        b.Str("MarkWebhookSuccessAsync(claim)", "claim token", IdKinds, (c, _, v) => c.T.MarkWebhookSuccessAsync(c.WebhookId, v!));
        b.Str("MarkWebhookFailedAsync", "webhook id", IdKinds, (c, _, v) => c.T.MarkWebhookFailedAsync(v!, "boom", c.Now));
        b.Str("MarkWebhookFailedAsync(claim)", "webhook id", IdKinds, (c, _, v) => c.T.MarkWebhookFailedAsync(v!, "boom", c.Now, c.ClaimToken));
        b.Str("MarkWebhookFailedAsync(claim)", "claim token", IdKinds, (c, _, v) => c.T.MarkWebhookFailedAsync(c.WebhookId, "boom", c.Now, v!));
        // Batch acknowledgement: every item needs its id and claim token; item 0 is valid, so nothing may be acknowledged.
        static PendingWebhook Held(BadInputContext c) => new() { Id = c.WebhookId, ClaimToken = c.ClaimToken, Url = "https://x.example", Payload = "{}" };
        static WebhookFailure Failure(PendingWebhook w) => new(w, "boom", DateTimeOffset.UnixEpoch);
        b.Str("MarkWebhooksSuccessAsync", "webhook id", IdKinds, (c, _, v) => c.T.MarkWebhooksSuccessAsync([Held(c), Held(c) with { Id = v! }]), item: 1);
        b.Str("MarkWebhooksSuccessAsync", "claim token", IdKinds,
            (c, id, v) => c.T.MarkWebhooksSuccessAsync([Held(c), Held(c) with { Id = id, ClaimToken = v }]), item: 1);
        b.One("MarkWebhooksSuccessAsync", "null", "claimed", (c, _) => c.T.MarkWebhooksSuccessAsync(null!));
        b.One("MarkWebhooksSuccessAsync", "null item", "claimed", (c, _) => c.T.MarkWebhooksSuccessAsync([Held(c), null!]), item: 1);
        b.One("MarkWebhooksSuccessAsync", "duplicate", "webhook id", (c, _) => c.T.MarkWebhooksSuccessAsync([Held(c), Held(c)]), item: 1);
        b.One("MarkWebhooksSuccessAsync", "over 10,000 items", "claimed",
            (c, _) => c.T.MarkWebhooksSuccessAsync(Enumerable.Repeat(Held(c), 10_001).ToArray()));
        b.Str("MarkWebhooksFailedAsync", "webhook id", IdKinds,
            (c, _, v) => c.T.MarkWebhooksFailedAsync([Failure(Held(c)), Failure(Held(c) with { Id = v! })]), item: 1);
        b.Str("MarkWebhooksFailedAsync", "claim token", IdKinds,
            (c, id, v) => c.T.MarkWebhooksFailedAsync([Failure(Held(c)), Failure(Held(c) with { Id = id, ClaimToken = v })]), item: 1);
        b.One("MarkWebhooksFailedAsync", "null", "failures", (c, _) => c.T.MarkWebhooksFailedAsync(null!));
        b.One("MarkWebhooksFailedAsync", "null item", "failures", (c, _) => c.T.MarkWebhooksFailedAsync([Failure(Held(c)), null!]), item: 1);
        b.One("MarkWebhooksFailedAsync", "null webhook", "claimed", (c, _) => c.T.MarkWebhooksFailedAsync([Failure(Held(c)), Failure(null!)]), item: 1);
        b.One("MarkWebhooksFailedAsync", "duplicate", "webhook id",
            (c, _) => c.T.MarkWebhooksFailedAsync([Failure(Held(c)), Failure(Held(c))]), item: 1);
        b.Str("GetWebhookAsync", "webhook id", IdKinds, (c, _, v) => c.T.GetWebhookAsync(v!));
        b.Limits("ListWebhooksAsync", "limit", (c, l) => c.T.ListWebhooksAsync(null, l));
        b.One("ListWebhooksAsync", "undefined", "status", (c, _) => c.T.ListWebhooksAsync((WebhookStatus)99, 10));
        b.Str("RetryWebhookAsync", "webhook id", IdKinds, (c, _, v) => c.T.RetryWebhookAsync(v!));
        b.Str("DeleteWebhookAsync", "webhook id", IdKinds, (c, _, v) => c.T.DeleteWebhookAsync(v!));
    }

    // ---------------------------------------------------------------- idempotency

    private static void Idempotency(Builder b)
    {
        Func<BadInputContext, string, string?, Task<bool>> w = (c, key, _) => Exists(() => c.T.GetIdempotencyKeyAsync(key));
        Func<BadInputContext, string, Task<bool>> w1 = (c, key) => Exists(() => c.T.GetIdempotencyKeyAsync(key));
        // A begin that was refused holds no lock: beginning the key again starts it.
        static async Task<bool> Held(BadInputContext c, string key) =>
            (await c.T.TryBeginIdempotentRequestAsync(key, "fp", TimeSpan.FromMinutes(1))).Outcome != IdempotencyBeginOutcome.Started;
        var hour = TimeSpan.FromHours(1);
        const string save = "SaveIdempotencyKeyAsync";
        b.Str(save, "idempotency key", IdKinds, (c, _, v) => c.T.SaveIdempotencyKeyAsync(v!, Make.Response(c.Now), hour), (c, _, v) => Exists(() => c.T.GetIdempotencyKeyAsync(v!)));
        b.Map(save, "headers", (c, key, m) => c.T.SaveIdempotencyKeyAsync(key, Make.Response(c.Now) with { Headers = m }, hour), w1);
        b.One(save, "null", "response", (c, key) => c.T.SaveIdempotencyKeyAsync(key, null!, hour), w1);
        b.One(save, "over 1 MiB", "body", (c, key) => c.T.SaveIdempotencyKeyAsync(key, Make.Response(c.Now) with { Body = new byte[1_048_577] }, hour), w1);
        foreach (var (name, ttl) in BadTtl)
            b.One(save, name, "ttl", (c, key) => c.T.SaveIdempotencyKeyAsync(key, Make.Response(c.Now), ttl), w1);
        b.Str("GetIdempotencyKeyAsync", "idempotency key", IdKinds, (c, _, v) => c.T.GetIdempotencyKeyAsync(v!));
        b.Str("DeleteIdempotencyKeyAsync", "idempotency key", IdKinds, (c, _, v) => c.T.DeleteIdempotencyKeyAsync(v!));

        const string begin = "TryBeginIdempotentRequestAsync";
        b.Str(begin, "idempotency key", IdKinds, (c, _, v) => c.T.TryBeginIdempotentRequestAsync(v!, "fp", hour));
        b.Str(begin, "request fingerprint", RequiredKinds, (c, key, v) => c.T.TryBeginIdempotentRequestAsync(key, v!, hour), (c, key, _) => Held(c, key));
        foreach (var (name, ttl) in BadLease)
            b.One(begin, name, "lock ttl", (c, key) => c.T.TryBeginIdempotentRequestAsync(key, "fp", ttl), Held);

        const string complete = "CompleteIdempotentRequestAsync";
        b.Str(complete, "idempotency key", IdKinds, (c, _, v) => c.T.CompleteIdempotentRequestAsync(v!, c.LockToken, Make.Response(c.Now), hour));
        b.Str(complete, "lock token", IdKinds, (c, _, v) => c.T.CompleteIdempotentRequestAsync(c.IdemKey, v!, Make.Response(c.Now), hour), (c, _, _) => Exists(() => c.T.GetIdempotencyKeyAsync(c.IdemKey)));
        b.Map(complete, "headers", (c, _, m) => c.T.CompleteIdempotentRequestAsync(c.IdemKey, c.LockToken, Make.Response(c.Now) with { Headers = m }, hour), (c, _) => Exists(() => c.T.GetIdempotencyKeyAsync(c.IdemKey)));
        foreach (var (name, ttl) in BadTtl)
            b.One(complete, name, "ttl", (c, _) => c.T.CompleteIdempotentRequestAsync(c.IdemKey, c.LockToken, Make.Response(c.Now), ttl), (c, _) => Exists(() => c.T.GetIdempotencyKeyAsync(c.IdemKey)));
        b.Str("ReleaseIdempotentRequestAsync", "idempotency key", IdKinds, (c, _, v) => c.T.ReleaseIdempotentRequestAsync(v!, c.LockToken));
        b.Str("ReleaseIdempotentRequestAsync", "lock token", IdKinds, (c, _, v) => c.T.ReleaseIdempotentRequestAsync(c.IdemKey, v!));
    }

    // ---------------------------------------------------------------- Stripe sessions

    private static void Stripe(Builder b)
    {
        const string save = "SaveStripeSessionAsync";
        Func<BadInputContext, string, string?, Task<bool>> w = (c, id, _) => Exists(() => c.T.GetStripeSessionAsync(id));
        Func<BadInputContext, string, Task<bool>> w1 = (c, id) => Exists(() => c.T.GetStripeSessionAsync(id));
        b.Str(save, "session id", IdKinds, (c, _, v) => c.T.SaveStripeSessionAsync(Make.StripeSession(c.Now) with { Id = v! }), (c, _, v) => Exists(() => c.T.GetStripeSessionAsync(v!)));
        b.Str(save, "resource_id", IdKinds, (c, id, v) => c.T.SaveStripeSessionAsync(Make.StripeSession(c.Now, id, v!)), w);
        b.Str(save, "currency", TextKinds, (c, id, v) => c.T.SaveStripeSessionAsync(Make.StripeSession(c.Now, id) with { Currency = v! }), w);
        b.Str(save, "customer_email", TextKinds, (c, id, v) => c.T.SaveStripeSessionAsync(Make.StripeSession(c.Now, id) with { CustomerEmail = v }), w);
        b.Map(save, "metadata", (c, id, m) => c.T.SaveStripeSessionAsync(Make.StripeSession(c.Now, id) with { Metadata = m }), w1);
        b.One(save, "null", "session", (c, _) => c.T.SaveStripeSessionAsync(null!));
        b.One(save, "-1", "amount_cents", (c, id) => c.T.SaveStripeSessionAsync(Make.StripeSession(c.Now, id) with { AmountCents = -1 }), w1);
        b.One(save, "undefined", "status", (c, id) => c.T.SaveStripeSessionAsync(Make.StripeSession(c.Now, id) with { Status = (StripeSessionStatus)99 }), w1);
        b.Str("GetStripeSessionAsync", "session id", IdKinds, (c, _, v) => c.T.GetStripeSessionAsync(v!));
        b.Str("CompleteStripeSessionAsync", "session id", IdKinds, (c, _, v) => c.T.CompleteStripeSessionAsync(v!, c.Now));
        b.Str("ListStripeSessionsByResourceAsync", "resource_id", IdKinds, (c, _, v) => c.T.ListStripeSessionsByResourceAsync(v!, null, 10));
        b.Limits("ListStripeSessionsByResourceAsync", "limit", (c, l) => c.T.ListStripeSessionsByResourceAsync("prod-1", null, l));
        b.One("ListStripeSessionsByResourceAsync", "undefined", "status", (c, _) => c.T.ListStripeSessionsByResourceAsync("prod-1", (StripeSessionStatus)99, 10));
    }

    // ---------------------------------------------------------------- products

    private static void Products(Builder b)
    {
        Func<BadInputContext, string, string?, Task<bool>> w = (c, id, _) => Exists(() => c.T.Products.GetProductAsync(id));
        Func<BadInputContext, string, Task<bool>> w1 = (c, id) => Exists(() => c.T.Products.GetProductAsync(id));
        foreach (var method in new[] { "CreateProductAsync", "UpdateProductAsync" })
        {
            var update = method == "UpdateProductAsync";
            // An update targets the seeded product (nothing may change: the snapshot compares it); a create uses a fresh id.
            Product P(BadInputContext c, string id) => Make.Product(c.Now, update ? c.ProductId : id);
            Func<BadInputContext, Product, Task> call = update ? (c, p) => c.T.Products.UpdateProductAsync(p) : (c, p) => c.T.Products.CreateProductAsync(p);
            var wp = update ? null : w;
            var wp1 = update ? null : w1;
            b.Str(method, "product id", IdKinds, (c, _, v) => call(c, Make.Product(c.Now) with { Id = v! }), update ? null : (c, _, v) => Exists(() => c.T.Products.GetProductAsync(v!)));
            b.Str(method, "description", TextKinds, (c, id, v) => call(c, P(c, id) with { Description = v! }), wp);
            b.Str(method, "fiat_currency", TextKinds, (c, id, v) => call(c, P(c, id) with { FiatCurrency = v }), wp);
            b.Str(method, "stripe_price_id", TextKinds, (c, id, v) => call(c, P(c, id) with { StripePriceId = v }), wp);
            b.Str(method, "crypto_token", TextKinds, (c, id, v) => call(c, P(c, id) with { CryptoToken = v }), wp);
            b.Str(method, "crypto_account", TextKinds, (c, id, v) => call(c, P(c, id) with { CryptoAccount = v }), wp);
            b.Str(method, "memo_template", TextKinds, (c, id, v) => call(c, P(c, id) with { MemoTemplate = v }), wp);
            b.Str(method, "subscription_config.billing_period", RequiredKinds, (c, id, v) => call(c, P(c, id) with { SubscriptionConfig = new ProductSubscriptionConfig { BillingPeriod = v! } }), wp);
            b.Map(method, "metadata", (c, id, m) => call(c, P(c, id) with { Metadata = m }), wp1);
            b.One(method, "null", "product", (c, _) => call(c, null!));
            b.One(method, "-1", "fiat_amount", (c, id) => call(c, P(c, id) with { FiatAmount = -1 }), wp1);
            b.One(method, "long.MinValue", "crypto_amount", (c, id) => call(c, P(c, id) with { CryptoAmount = long.MinValue }), wp1);
            b.One(method, "billing_interval 0", "subscription_config", (c, id) => call(c, P(c, id) with { SubscriptionConfig = new ProductSubscriptionConfig { BillingInterval = 0 } }), wp1);
            b.One(method, "trial_days -1", "subscription_config", (c, id) => call(c, P(c, id) with { SubscriptionConfig = new ProductSubscriptionConfig { TrialDays = -1 } }), wp1);
        }
        b.Str("GetProductAsync", "product id", IdKinds, (c, _, v) => c.T.Products.GetProductAsync(v!));
        b.Str("GetProductByStripePriceIdAsync", "stripe_price_id", IdKinds, (c, _, v) => c.T.Products.GetProductByStripePriceIdAsync(v!));
        b.Str("DeleteProductAsync", "product id", IdKinds, (c, _, v) => c.T.Products.DeleteProductAsync(v!));
    }

    // ---------------------------------------------------------------- coupons

    private static void Coupons(Builder b)
    {
        Func<BadInputContext, string, string?, Task<bool>> w = (c, code, _) => Exists(() => c.T.Coupons.GetCouponAsync(code));
        Func<BadInputContext, string, Task<bool>> w1 = (c, code) => Exists(() => c.T.Coupons.GetCouponAsync(code));
        foreach (var method in new[] { "CreateCouponAsync", "UpdateCouponAsync" })
        {
            var update = method == "UpdateCouponAsync";
            Coupon C(BadInputContext c, string code) => Make.Coupon(c.Now, update ? c.CouponCode : code);
            Func<BadInputContext, Coupon, Task> call = update ? (c, x) => c.T.Coupons.UpdateCouponAsync(x) : (c, x) => c.T.Coupons.CreateCouponAsync(x);
            var wc = update ? null : w;
            var wc1 = update ? null : w1;
            b.Str(method, "code", CodeKinds, (c, _, v) => call(c, Make.Coupon(c.Now) with { Code = v! }), update ? null : (c, _, v) => Exists(() => c.T.Coupons.GetCouponAsync(v!)));
            b.Str(method, "currency", TextKinds, (c, code, v) => call(c, C(c, code) with { Currency = v }), wc);
            b.Str(method, "payment_method", TextKinds, (c, code, v) => call(c, C(c, code) with { PaymentMethod = v! }), wc);
            b.Str(method, "applies_at", TextKinds, (c, code, v) => call(c, C(c, code) with { AppliesAt = v }), wc);
            b.Str(method, "product_ids[1]", IdKinds, (c, code, v) => call(c, C(c, code) with { Scope = CouponScope.Specific, ProductIds = ["prod-1", v!] }), wc);
            b.Map(method, "metadata", (c, code, m) => call(c, C(c, code) with { Metadata = m }), wc1);
            b.One(method, "null", "coupon", (c, _) => call(c, null!));
            foreach (var (name, value) in new[] { ("-1", -1d), ("NaN", double.NaN), ("+infinity", double.PositiveInfinity), ("-infinity", double.NegativeInfinity) })
                b.One(method, name, "discount_value", (c, code) => call(c, C(c, code) with { DiscountValue = value }), wc1);
            b.One(method, "-1", "usage_limit", (c, code) => call(c, C(c, code) with { UsageLimit = -1 }), wc1);
            b.One(method, "int.MinValue", "usage_count", (c, code) => call(c, C(c, code) with { UsageCount = int.MinValue }), wc1);
            b.One(method, "undefined", "discount_type", (c, code) => call(c, C(c, code) with { DiscountType = (CouponDiscountType)99 }), wc1);
            b.One(method, "undefined", "scope", (c, code) => call(c, C(c, code) with { Scope = (CouponScope)99 }), wc1);
        }
        b.Str("GetCouponAsync", "code", CodeKinds, (c, _, v) => c.T.Coupons.GetCouponAsync(v!));
        b.Str("GetAutoApplyCouponsForPaymentAsync", "product_id", IdKinds, (c, _, v) => c.T.Coupons.GetAutoApplyCouponsForPaymentAsync(v!, "x402"));
        b.Str("GetAutoApplyCouponsForPaymentAsync", "payment_method", TextKinds, (c, _, v) => c.T.Coupons.GetAutoApplyCouponsForPaymentAsync("prod-1", v!));
        b.Str("GetAllAutoApplyCouponsForPaymentAsync", "payment_method", TextKinds, (c, _, v) => c.T.Coupons.GetAllAutoApplyCouponsForPaymentAsync(v!));
        b.Str("IncrementUsageAsync", "code", CodeKinds, (c, _, v) => c.T.Coupons.IncrementUsageAsync(v!));
        b.Str("DeleteCouponAsync", "code", CodeKinds, (c, _, v) => c.T.Coupons.DeleteCouponAsync(v!));
    }

    // ---------------------------------------------------------------- subscriptions

    private static void Subscriptions(Builder b)
    {
        Func<BadInputContext, string, string?, Task<bool>> w = (c, id, _) => Exists(() => c.T.Subscriptions.GetAsync(id));
        Func<BadInputContext, string, Task<bool>> w1 = (c, id) => Exists(() => c.T.Subscriptions.GetAsync(id));
        foreach (var method in new[] { "CreateAsync", "UpdateAsync" })
        {
            var update = method == "UpdateAsync";
            Subscription S(BadInputContext c, string id) => Make.Subscription(c.Now, update ? c.SubscriptionId : id);
            Func<BadInputContext, Subscription, Task> call = update ? (c, x) => c.T.Subscriptions.UpdateAsync(x) : (c, x) => c.T.Subscriptions.CreateAsync(x);
            var ws = update ? null : w;
            var ws1 = update ? null : w1;
            b.Str(method, "subscription id", IdKinds, (c, _, v) => call(c, Make.Subscription(c.Now) with { Id = v! }), update ? null : (c, _, v) => Exists(() => c.T.Subscriptions.GetAsync(v!)));
            b.Str(method, "product_id", IdKinds, (c, id, v) => call(c, S(c, id) with { ProductId = v! }), ws);
            b.Str(method, "wallet", TextKinds, (c, id, v) => call(c, S(c, id) with { Wallet = v }), ws);
            b.Str(method, "stripe_customer_id", TextKinds, (c, id, v) => call(c, S(c, id) with { StripeCustomerId = v }), ws);
            b.Str(method, "stripe_subscription_id", TextKinds, (c, id, v) => call(c, S(c, id) with { StripeSubscriptionId = v }), ws);
            b.Str(method, "payment_method", TextKinds, (c, id, v) => call(c, S(c, id) with { PaymentMethod = v! }), ws);
            b.Str(method, "billing_period", RequiredKinds, (c, id, v) => call(c, S(c, id) with { BillingPeriod = v! }), ws);
            b.Map(method, "metadata", (c, id, m) => call(c, S(c, id) with { Metadata = m }), ws1);
            b.One(method, "null", "subscription", (c, _) => call(c, null!));
            b.One(method, "0", "billing_interval", (c, id) => call(c, S(c, id) with { BillingInterval = 0 }), ws1);
            b.One(method, "undefined", "status", (c, id) => call(c, S(c, id) with { Status = (SubscriptionStatus)99 }), ws1);
            b.One(method, "MinValue", "current_period_end", (c, id) => call(c, S(c, id) with { CurrentPeriodEnd = DateTimeOffset.MinValue }), ws1);
            b.One(method, "end = start", "current_period_end", (c, id) => call(c, S(c, id) with { CurrentPeriodStart = c.Now, CurrentPeriodEnd = c.Now }), ws1);
        }
        b.Str("GetAsync", "subscription id", IdKinds, (c, _, v) => c.T.Subscriptions.GetAsync(v!));
        b.Str("DeleteAsync", "subscription id", IdKinds, (c, _, v) => c.T.Subscriptions.DeleteAsync(v!));
        b.Str("GetByWalletAsync", "wallet", RequiredKinds, (c, _, v) => c.T.Subscriptions.GetByWalletAsync(v!, "prod-1"));
        b.Str("GetByWalletAsync", "product_id", IdKinds, (c, _, v) => c.T.Subscriptions.GetByWalletAsync("WalletSub111", v!));
        b.Str("GetByStripeSubscriptionIdAsync", "stripe_subscription_id", IdKinds, (c, _, v) => c.T.Subscriptions.GetByStripeSubscriptionIdAsync(v!));
        b.Str("GetByStripeCustomerIdAsync", "stripe_customer_id", IdKinds, (c, _, v) => c.T.Subscriptions.GetByStripeCustomerIdAsync(v!));
        b.Str("ListByProductAsync", "product_id", IdKinds, (c, _, v) => c.T.Subscriptions.ListByProductAsync(v!));
        b.Str("ListActiveAsync", "product_id", IdKinds.Where(k => k.Value is not null), (c, _, v) => c.T.Subscriptions.ListActiveAsync(v));
        b.Str("UpdateStatusAsync", "subscription id", IdKinds, (c, _, v) => c.T.Subscriptions.UpdateStatusAsync(v!, SubscriptionStatus.Cancelled));
        b.One("UpdateStatusAsync", "undefined", "status", (c, _) => c.T.Subscriptions.UpdateStatusAsync(c.SubscriptionId, (SubscriptionStatus)99));
        b.Str("ExtendPeriodAsync", "subscription id", IdKinds, (c, _, v) => c.T.Subscriptions.ExtendPeriodAsync(v!, c.Now, c.Now.AddDays(30)));
        b.One("ExtendPeriodAsync", "MinValue end", "new_end", (c, _) => c.T.Subscriptions.ExtendPeriodAsync(c.SubscriptionId, c.Now, DateTimeOffset.MinValue));
        b.One("ExtendPeriodAsync", "MaxValue start", "new_end", (c, _) => c.T.Subscriptions.ExtendPeriodAsync(c.SubscriptionId, DateTimeOffset.MaxValue, c.Now));
        b.Str("ExtendPeriodAsync(expected)", "subscription id", IdKinds, (c, _, v) => c.T.Subscriptions.ExtendPeriodAsync(v!, c.Now, c.Now.AddDays(30), c.Now));
        b.One("ExtendPeriodAsync(expected)", "end before start", "new_end", (c, _) => c.T.Subscriptions.ExtendPeriodAsync(c.SubscriptionId, c.Now, c.Now.AddTicks(-10), c.Now.AddDays(29)));
    }

    // ---------------------------------------------------------------- inside a transaction

    private static void Transactions(Builder b)
    {
        Task InTx(BadInputContext c, Func<ITenantStorage, Task> work) => c.T.InTransactionAsync((tx, _) => work(tx));
        b.Str("InTransactionAsync+RecordPaymentAsync", "signature", IdKinds, (c, id, v) => InTx(c, async tx =>
        {
            await tx.RecordPaymentAsync(Make.Payment(c.Now, id));
            await tx.RecordPaymentAsync(Make.Payment(c.Now) with { Signature = v! });
        }), (c, id, _) => c.T.HasPaymentBeenProcessedAsync(id));
        b.Str("InTransactionAsync+EnqueueWebhookAsync", "payload", [new("escaped NUL", "{\"a\":\"\\u0000\"}"), new("escaped lone surrogate", "{\"a\":\"\\udfff\"}")],
            (c, id, v) => InTx(c, async tx =>
            {
                await tx.SaveCartQuoteAsync(Make.Cart(c.Now, id));
                await tx.EnqueueWebhookAsync(Make.Webhook(payload: v!));
            }), (c, id, _) => Exists(() => c.T.GetCartQuoteAsync(id)));
        b.Str("InTransactionAsync+CreateProductAsync", "description", IllFormed, (c, id, v) => InTx(c, async tx =>
        {
            await tx.TryStoreOrderAsync(Make.Order(c.Now, id));
            await tx.Products.CreateProductAsync(Make.Product(c.Now) with { Description = v! });
        }), (c, id, _) => Exists(() => c.T.GetOrderAsync(id)));
        b.One("InTransactionAsync", "null work", "work", (c, _) => c.T.InTransactionAsync((Func<ITenantStorage, CancellationToken, Task>)null!));
    }
}
