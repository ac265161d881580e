using System.Globalization;

namespace Cedros.Storage.Tests.Differential;

/// <summary>
/// Inputs the generator keeps away from for now, because another part of issue 13 is fixing exactly that divergence.
/// Each switch turns one family back on (environment variable <c>CEDROS_DIFF_KNOWN=1</c> turns all on).
/// </summary>
public sealed record KnownDivergences
{
    /// <summary>NUL characters, lone surrogates and non-ASCII text (incl. non-ASCII ids and search text).</summary>
    public bool UnsafeText { get; init; }
    /// <summary>Quotes and orders with an unset (default) CreatedAt.</summary>
    public bool UnsetCreationTimes { get; init; }
    /// <summary>A signature repeated inside one RecordPaymentsAsync batch.</summary>
    public bool DuplicateBatchSignatures { get; init; }
    /// <summary>Durations beyond any sane bound (TimeSpan.MaxValue, 1000 years).</summary>
    public bool HugeDurations { get; init; }
    /// <summary>Ids and codes with a trailing newline (the <c>$</c> vs <c>\z</c> regex family).</summary>
    public bool TrailingNewlines { get; init; }

    public static KnownDivergences None { get; } = new();

    /// <summary>"1" (all), or a comma list of <c>text,times,dupsig,durations,newlines</c>; empty or null: none.</summary>
    public static KnownDivergences Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return None;
        if (value.Trim() == "1") return All;
        var set = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new KnownDivergences
        {
            UnsafeText = set.Contains("text"),
            UnsetCreationTimes = set.Contains("times"),
            DuplicateBatchSignatures = set.Contains("dupsig"),
            HugeDurations = set.Contains("durations"),
            TrailingNewlines = set.Contains("newlines"),
        };
    }
    public static KnownDivergences All { get; } = new()
    {
        UnsafeText = true, UnsetCreationTimes = true, DuplicateBatchSignatures = true, HugeDurations = true, TrailingNewlines = true,
    };
}

/// <summary>
/// Generates random operations over the whole contract from a seed. Ids come from small pools so that calls collide:
/// the same cart saved twice, a signature replayed, a webhook claimed by one call and acknowledged by another.
/// About one call in twelve carries an invalid argument.
/// </summary>
public sealed class Generator(int seed, KnownDivergences known)
{
    public static readonly string[] Tenants = ["t-a", "t-b", "t-c"];
    public const int Carts = 5, Refunds = 5, Purchases = 4, Orders = 6, History = 6, Fulfillments = 5, Reservations = 8,
        ResCarts = 4, Signatures = 10, Nonces = 5, Webhooks = 6, Keys = 5, Sessions = 5, Resources = 3, Products = 4,
        Subscriptions = 5;
    public static readonly string[] Codes = ["SAVE1", "SAVE2", "Promo.3", "x-4", "BIG_5"];
    public static readonly string[] Wallets = ["w-1", "w-2", "w-3"];
    public static readonly string?[] Variants = [null, "red", "blue"];
    public static readonly string[] PaymentMethods = ["", "stripe", "x402"];
    public static readonly string[] Customers = ["cus-1", "cus-2", "cus-3"];
    public static readonly string[] StripeSubs = ["ss-1", "ss-2", "ss-3"];
    public static readonly string[] PriceIds = ["price-1", "price-2", "price-3"];

    private readonly Random _rng = new(seed);
    private DateTimeOffset _now;

    /// <summary>The clock, as the generator last set it (every backend's fake clock shows the same).</summary>
    public DateTimeOffset Now { get => _now; set => _now = value; }

    // ---------- primitives ----------

    private bool Chance(double p) => _rng.NextDouble() < p;
    private T Pick<T>(params T[] items) => items[_rng.Next(items.Length)];
    private readonly Dictionary<string, int> _poolSize = new(StringComparer.Ordinal);

    /// <summary>
    /// An id from a sliding window of <paramref name="count"/> ids per prefix: usually one used recently (so calls
    /// collide), sometimes a fresh one (so create-only entities — orders, payments, reservations — keep being created
    /// instead of every create ending in Conflict once the pool is used up).
    /// </summary>
    private string P(string prefix, int count)
    {
        var size = _poolSize.GetValueOrDefault(prefix, count);
        if (Chance(0.15))
        {
            _poolSize[prefix] = ++size;
            return PoolId(prefix, size);
        }
        return PoolId(prefix, _rng.Next(Math.Max(1, size - count + 1), size + 1));
    }

    /// <summary>The ids of a prefix that snapshots read: the current window and the one before it.</summary>
    public IEnumerable<string> Window(string prefix, int count)
    {
        var size = _poolSize.GetValueOrDefault(prefix, count);
        var low = Math.Max(1, size - 2 * count + 1);
        return Enumerable.Range(low, size - low + 1).Select(i => PoolId(prefix, i));
    }

    /// <summary>The <paramref name="i"/>-th id of a pool. The spellings vary (case, separators, a space, a two-digit
    /// number) so that ordering and case rules are exercised, not only equality.</summary>
    public static string PoolId(string prefix, int i) => i switch
    {
        5 => $"{prefix}-{i} z",
        _ => (i % 4) switch
        {
            1 => $"{prefix}-{i}",
            2 => $"{prefix.ToUpperInvariant()}-{i}",
            3 => $"{prefix}_{i}",
            _ => $"{prefix}.{i}0",
        },
    };

    /// <summary>Every id of a pool.</summary>
    public static IEnumerable<string> Pool(string prefix, int count) => Enumerable.Range(1, count).Select(i => PoolId(prefix, i));
    private int Int(int min, int maxInclusive) => _rng.Next(min, maxInclusive + 1);

    /// <summary>An id from the pool, or (rarely, when <paramref name="bad"/>) an invalid one.</summary>
    private string Id(string prefix, int count, bool bad = false)
    {
        if (bad && Chance(0.5)) return Pick("", new string('x', 256));
        if (known.TrailingNewlines && Chance(0.02)) return P(prefix, count) + "\n";
        if (known.UnsafeText && Chance(0.02)) return P(prefix, count) + Pick("é", "\0", "\uD800");
        return P(prefix, count);
    }

    private static string D(DateTimeOffset t) => t.UtcDateTime.ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + (t.Date != Start.Date ? "+" + (t.UtcDateTime.Date - Start.UtcDateTime.Date).Days + "d" : "");
    private static readonly DateTimeOffset Start = Conformance.ConformanceTest<Backends.InMemoryFixture>.Start;
    private static string Q(string? s) =>
        s is null ? "null" : "\"" + string.Concat(s.Select(c => c < ' ' || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString())) + "\"";

    /// <summary>An instant near now: in the past or the future, sometimes with a sub-microsecond part.</summary>
    private const int MaxInstants = 24;
    private readonly List<DateTimeOffset> _instants = [];

    /// <summary>An instant handed out before (or now when none).</summary>
    private DateTimeOffset Earlier() => _instants.Count == 0 ? _now : _instants[_rng.Next(_instants.Count)];

    private DateTimeOffset At()
    {
        // Reuse an instant handed out before, so that "before"/"after"/"expired" boundaries are hit exactly.
        if (_instants.Count > 0 && Chance(0.35)) return _instants[_rng.Next(_instants.Count)];
        var fresh = AtFresh();
        if (_instants.Count < MaxInstants) _instants.Add(fresh);
        else _instants[_rng.Next(_instants.Count)] = fresh;
        return fresh;
    }

    private DateTimeOffset AtFresh()
    {
        var offset = Pick(
            TimeSpan.FromHours(-50), TimeSpan.FromHours(-2), TimeSpan.FromMinutes(-10), TimeSpan.FromSeconds(-1), TimeSpan.Zero,
            TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(2), TimeSpan.FromDays(1), TimeSpan.FromDays(40));
        var t = _now + offset;
        if (Chance(0.3)) t = t.AddTicks(Int(1, 9));
        return t;
    }

    /// <summary>An instant after now: often one handed out before (so expiries and cutoffs coincide exactly).</summary>
    private DateTimeOffset Future()
    {
        var later = _instants.Where(t => t > _now).ToArray();
        if (later.Length > 0 && Chance(0.4)) return later[_rng.Next(later.Length)];
        var fresh = _now + Pick(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(3), TimeSpan.FromDays(30));
        if (_instants.Count < MaxInstants) _instants.Add(fresh);
        return fresh;
    }

    private DateTimeOffset? MaybeAt(double pNull = 0.4) => Chance(pNull) ? null : At();

    private TimeSpan Ttl(bool bad)
    {
        if (bad) return Pick(TimeSpan.Zero, TimeSpan.FromSeconds(-1));
        if (known.HugeDurations && Chance(0.05)) return Pick(TimeSpan.MaxValue, TimeSpan.FromDays(365_000));
        return Pick(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromDays(1));
    }

    private string Text()
    {
        if (known.UnsafeText && Chance(0.05)) return Pick("Ünïcode", "straße", "nul\0", "lone\uDC00", "İstanbul");
        return Pick("Ada", "ada@EXAMPLE.com", "bob_100%", "O'Brien", "back\\slash", "o-1", "PU-2", "r-3", "x", "");
    }

    private IReadOnlyDictionary<string, string> Meta() => Int(0, 2) switch
    {
        0 => EmptyMetadata.Instance,
        1 => new Dictionary<string, string> { [Pick("k", "b", "Zeta")] = Text() },
        _ => new Dictionary<string, string> { ["z"] = Text(), ["a"] = "1", ["M"] = Text() },
    };

    private static string M(IReadOnlyDictionary<string, string>? m) =>
        m is null ? "null" : "{" + string.Join(",", m.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + Q(p.Value))) + "}";

    private bool Bad() => Chance(0.08);

    private long Amount(bool bad) => bad && Chance(0.5) ? -1 : Pick(0L, 1L, 1_500_000L, long.MaxValue / 4);

    private DateTimeOffset CreatedAt() => known.UnsetCreationTimes && Chance(0.1) ? default : At();

    // ---------- one operation ----------

    /// <summary>True when the last <see cref="NextAdvance"/> lands exactly on an instant handed out before (the runner
    /// then compares a full snapshot at that very instant: every "expired when now ≥ expires_at" read is on its edge).</summary>
    public bool Landed { get; private set; }

    /// <summary>How long to move every clock after an operation (always ≥ 1 ms, so generated UUIDv7 ids sort by time).</summary>
    public TimeSpan NextAdvance()
    {
        // Sometimes land exactly on an instant handed out before (an expiry, a lease end): now == expires_at.
        Landed = false;
        if (Chance(0.01) && _instants.Count > 0)
        {
            var later = _instants.Where(t => t - _now >= TimeSpan.FromMilliseconds(1) && t - _now < TimeSpan.FromDays(2)).ToArray();
            if (later.Length > 0)
            {
                Landed = true;
                return later[_rng.Next(later.Length)] - _now;
            }
        }
        var step = TimeSpan.FromMilliseconds(1).Add(TimeSpan.FromTicks(Int(0, 20_000)));
        if (Chance(0.06)) step += Pick(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(40), TimeSpan.FromMinutes(6), TimeSpan.FromHours(1));
        if (Chance(0.004)) step += TimeSpan.FromHours(30);
        return step;
    }

    /// <summary>The next operation: a single call (most of the time) or a transaction of a few calls.</summary>
    public Step Next()
    {
        var tenant = Pick(Tenants);
        if (Chance(0.07)) return Transaction(tenant);
        return Call(tenant);
    }

    private Step Transaction(string tenant)
    {
        var count = Int(1, 4);
        var steps = Enumerable.Range(0, count).Select(_ => Call(tenant)).ToArray();
        // -1: commit; k: throw our own exception after step k; -2: let the first failing step's exception escape.
        var mode = Pick(-1, -1, -2, Int(0, count - 1));
        var withResult = Chance(0.3);
        var text = $"tx[{tenant}] {(mode == -1 ? "commit" : mode == -2 ? "rethrow-first-error" : $"throw-after-{mode}")}{(withResult ? " (T)" : "")}: "
            + string.Join(" ; ", steps.Select((s, i) => $"{i}) {s.Text}"));
        return new Step(text, tenant, async (handle, lane) =>
        {
            var outcomes = new List<string>();
            async Task<int> Body(ITenantStorage tx)
            {
                for (var i = 0; i < steps.Length; i++)
                {
                    try
                    {
                        outcomes.Add(lane.Outcome.Render(await steps[i].Run(tx, lane)));
                    }
                    catch (Exception ex) when (ex is not DeliberateAbortException)
                    {
                        outcomes.Add(lane.Outcome.Error(ex, false));
                        if (mode == -2) throw;
                    }
                    // Clocks move between the calls of a transaction too (every lane does the same).
                    lane.Time.Advance(TimeSpan.FromMilliseconds(1));
                    if (mode == i) throw new DeliberateAbortException();
                }
                return outcomes.Count;
            }

            string end;
            try
            {
                if (withResult) end = "committed " + await handle.InTransactionAsync((tx, _) => Body(tx));
                else
                {
                    await handle.InTransactionAsync(async (tx, _) => { await Body(tx); });
                    end = "committed";
                }
            }
            catch (DeliberateAbortException)
            {
                end = "aborted";
            }
            catch (Exception ex) when (mode == -2)
            {
                end = "rethrown " + lane.Outcome.Error(ex, false);
            }
            return "[" + string.Join(" | ", outcomes) + "] " + end;
        });
    }

    private Step S(string text, string tenant, Func<ITenantStorage, Lane, Task<object?>> run) => new($"[{tenant}] {text}", tenant, run);

    private static async Task<object?> Void(Task task)
    {
        await task;
        return null;
    }

    private Step Call(string t)
    {
        // Weighted: roughly in proportion to the size of each part of the contract.
        var roll = _rng.Next(100);
        return roll switch
        {
            < 7 => CartOp(t),
            < 15 => RefundOp(t),
            < 26 => OrderOp(t),
            < 31 => FulfillmentOp(t),
            < 39 => InventoryOp(t),
            < 46 => PaymentOp(t),
            < 51 => NonceOp(t),
            < 64 => WebhookOp(t),
            < 72 => IdempotencyOp(t),
            < 77 => SessionOp(t),
            < 82 => ProductOp(t),
            < 90 => CouponOp(t),
            _ => SubscriptionOp(t),
        };
    }

    // ---------- §1 cart quotes ----------

    private CartQuote Cart(bool bad, string? id = null)
    {
        var items = Enumerable.Range(0, Int(0, 2)).Select(_ => new CartItem
        {
            ResourceId = Id("r", Resources),
            Quantity = bad && Chance(0.3) ? 0 : Int(1, 3),
            Price = Amount(false),
            Asset = Pick("USDC", "SOL"),
            Metadata = Meta(),
        }).ToArray();
        return new CartQuote
        {
            Id = id ?? Id("cart", Carts, bad),
            Items = items,
            TotalAmount = Amount(bad),
            TotalAsset = "USDC",
            Metadata = Meta(),
            CreatedAt = CreatedAt(),
            ExpiresAt = At(),
            WalletPaidBy = Chance(0.1) ? Pick(Wallets) : null,
        };
    }

    private static string CartText(CartQuote c) =>
        $"cart(id={Q(c.Id)}, items=[{string.Join(",", c.Items.Select(i => $"{i.ResourceId}x{i.Quantity}@{i.Price}{i.Asset}{M(i.Metadata)}"))}], total={c.TotalAmount}, meta={M(c.Metadata)}, created={D(c.CreatedAt)}, expires={D(c.ExpiresAt)}, paidBy={Q(c.WalletPaidBy)})";

    private Step CartOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(6))
        {
            case 0:
            {
                var c = Cart(bad);
                return S($"SaveCartQuote {CartText(c)}", t, (s, _) => Void(s.SaveCartQuoteAsync(c)));
            }
            case 1:
            {
                var id = Id("cart", Carts, bad);
                return S($"GetCartQuote {Q(id)}", t, async (s, _) => await s.GetCartQuoteAsync(id));
            }
            case 2:
            {
                var id = Id("cart", Carts, bad);
                var wallet = bad ? "" : Pick(Wallets);
                return S($"MarkCartPaid {Q(id)} {Q(wallet)}", t, (s, _) => Void(s.MarkCartPaidAsync(id, wallet)));
            }
            case 3:
            {
                var id = Id("cart", Carts, bad);
                var wallet = Chance(0.1) ? "" : Pick(Wallets);
                return S($"HasCartAccess {Q(id)} {Q(wallet)}", t, async (s, _) => await s.HasCartAccessAsync(id, wallet));
            }
            case 4:
            {
                var n = Int(0, 3);
                var ids = Enumerable.Range(0, n).Select(_ => Id("cart", Carts)).ToArray();
                if (!bad) ids = ids.Distinct().ToArray();
                var batch = ids.Select((id, i) => Cart(bad && i == n - 1, id)).ToArray();
                return S($"SaveCartQuotes [{string.Join("; ", batch.Select(CartText))}]", t, (s, _) => Void(s.SaveCartQuotesAsync(batch)));
            }
            default:
            {
                var ids = Enumerable.Range(0, Int(0, 4)).Select(_ => Id("cart", Carts, bad && Chance(0.3))).ToArray();
                return S($"GetCartQuotes [{string.Join(",", ids.Select(Q))}]", t, async (s, _) => await s.GetCartQuotesAsync(ids));
            }
        }
    }

    // ---------- §2 refund quotes ----------

    private RefundQuote Refund(bool bad, string? id = null) => new()
    {
        Id = id ?? Id("rf", Refunds, bad),
        OriginalPurchaseId = Id("pu", Purchases),
        RecipientWallet = bad && Chance(0.2) ? "" : Pick(Wallets),
        Amount = Amount(bad),
        AmountAsset = "USDC",
        Token = Pick<string?>(null, "USDC"),
        TokenMint = Pick<string?>(null, "mint-1"),
        TokenDecimals = Pick<short>(0, 6),
        Status = Chance(0.1) ? RefundStatus.Processed : Pick(RefundStatus.Pending, RefundStatus.Pending, RefundStatus.Approved, RefundStatus.Denied),
        ProcessedBy = Pick<string?>(null, "admin"),
        ProcessedAt = MaybeAt(0.7),
        Signature = Pick<string?>(null, "rsig-1"),
        Reason = Pick<string?>(null, Text()),
        Metadata = Meta(),
        CreatedAt = CreatedAt(),
        ExpiresAt = At(),
    };

    private static string RefundText(RefundQuote r) =>
        $"refund(id={Q(r.Id)}, purchase={r.OriginalPurchaseId}, to={Q(r.RecipientWallet)}, amount={r.Amount}, status={r.Status}, by={Q(r.ProcessedBy)}, at={(r.ProcessedAt is { } p ? D(p) : "null")}, sig={Q(r.Signature)}, reason={Q(r.Reason)}, meta={M(r.Metadata)}, created={D(r.CreatedAt)}, expires={D(r.ExpiresAt)})";

    private Step RefundOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(11))
        {
            case 0:
            case 1:
            {
                var r = Refund(bad);
                return S($"SaveRefundQuote {RefundText(r)}", t, (s, _) => Void(s.SaveRefundQuoteAsync(r)));
            }
            case 2:
            {
                var id = Id("rf", Refunds, bad);
                return S($"GetRefundQuote {Q(id)}", t, async (s, _) => await s.GetRefundQuoteAsync(id));
            }
            case 3:
            {
                var id = Id("pu", Purchases, bad);
                return Chance(0.5)
                    ? S($"GetRefundQuoteByOriginalPurchaseId {Q(id)}", t, async (s, _) => await s.GetRefundQuoteByOriginalPurchaseIdAsync(id))
                    : S($"ListRefundsForPurchase {Q(id)}", t, async (s, _) => await s.ListRefundsForPurchaseAsync(id));
            }
            case 4:
                return S("ListPendingRefunds", t, async (s, _) => await s.ListPendingRefundsAsync());
            case 5:
            case 6:
            {
                var id = Id("rf", Refunds, bad);
                var by = bad && Chance(0.5) ? "" : Pick("admin", "bot");
                var ttl = Ttl(bad && Chance(0.5));
                return S($"TryBeginRefundPayout {Q(id)} {Q(by)} {ttl}", t, async (s, lane) =>
                {
                    var token = await s.TryBeginRefundPayoutAsync(id, by, ttl);
                    lane.Remember($"rf:{t}:{id}", token);
                    return token;
                });
            }
            case 7:
            {
                var id = Id("rf", Refunds, bad);
                var pick = Pick(TokenPick.Latest, TokenPick.Latest, TokenPick.Oldest, TokenPick.Bogus);
                return S($"ReleaseRefundPayout {Q(id)} token={pick}", t, async (s, lane) => await s.ReleaseRefundPayoutAsync(id, lane.Recall($"rf:{t}:{id}", pick)));
            }
            case 8:
            {
                var id = Id("rf", Refunds, bad);
                var by = bad && Chance(0.5) ? "" : "admin";
                var sig = bad && Chance(0.5) ? "" : Pick("psig-1", "psig-2");
                return S($"MarkRefundProcessed {Q(id)} {Q(by)} {Q(sig)}", t, (s, _) => Void(s.MarkRefundProcessedAsync(id, by, sig)));
            }
            case 9:
            {
                var id = Id("rf", Refunds, bad);
                return S($"DeleteRefundQuote {Q(id)}", t, (s, _) => Void(s.DeleteRefundQuoteAsync(id)));
            }
            default:
            {
                var n = Int(0, 3);
                var ids = Enumerable.Range(0, n).Select(_ => Id("rf", Refunds)).ToArray();
                if (!bad) ids = ids.Distinct().ToArray();
                var batch = ids.Select((id, i) => Refund(bad && i == n - 1, id)).ToArray();
                return S($"SaveRefundQuotes [{string.Join("; ", batch.Select(RefundText))}]", t, (s, _) => Void(s.SaveRefundQuotesAsync(batch)));
            }
        }
    }

    // ---------- §3 orders ----------

    private static readonly OrderStatus[] OrderStatuses = Enum.GetValues<OrderStatus>();

    private Order NewOrder(bool bad) => new()
    {
        Id = Id("o", Orders, bad && Chance(0.4)),
        Source = Pick("x402", "stripe"),
        PurchaseId = Id("pu", Purchases),
        ResourceId = bad && Chance(0.3) ? "" : Id("r", Resources),
        UserId = Pick<string?>(null, "user-1"),
        Customer = Pick<string?>(null, Text()),
        Status = Chance(0.6) ? OrderStatus.Created : Pick(OrderStatuses),
        Items = Enumerable.Range(0, Int(0, 2)).Select(_ => new OrderItem
        {
            ProductId = Id("p", Products),
            VariantId = Pick(Variants),
            Quantity = bad && Chance(0.3) ? 0 : Int(1, 3),
            Name = Pick<string?>(null, "Shirt"),
            UnitPrice = Amount(false),
            Asset = Pick<string?>(null, "USDC"),
            Metadata = Meta(),
        }).ToArray(),
        Amount = Amount(bad),
        AmountAsset = "USDC",
        CustomerEmail = Pick<string?>(null, Text()),
        Shipping = Chance(0.5) ? null : Meta(),
        Metadata = Meta(),
        CreatedAt = CreatedAt(),
        UpdatedAt = MaybeAt(),
        StatusUpdatedAt = MaybeAt(),
    };

    private static string OrderText(Order o) =>
        $"order(id={Q(o.Id)}, {o.Source}/{o.PurchaseId}, res={Q(o.ResourceId)}, user={Q(o.UserId)}, customer={Q(o.Customer)}, status={o.Status}, items=[{string.Join(",", o.Items.Select(i => $"{i.ProductId}/{i.VariantId}x{i.Quantity}@{i.UnitPrice}{M(i.Metadata)}"))}], amount={o.Amount}, email={Q(o.CustomerEmail)}, ship={M(o.Shipping)}, meta={M(o.Metadata)}, created={D(o.CreatedAt)}, updated={(o.UpdatedAt is { } u ? D(u) : "null")}, statusAt={(o.StatusUpdatedAt is { } x ? D(x) : "null")})";

    private (int Limit, int Offset) Page(bool bad) =>
        bad ? Pick((-1, 0), (1001, 0), (5, -1)) : (Pick(0, 1, 2, 3, 10, 1000), Pick(0, 0, 0, 1, 2, 7));

    private Step OrderOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(12))
        {
            case 0:
            case 1:
            case 2:
            {
                var o = NewOrder(bad);
                return S($"TryStoreOrder {OrderText(o)}", t, async (s, _) => await s.TryStoreOrderAsync(o));
            }
            case 3:
            {
                var id = Id("o", Orders, bad);
                return S($"GetOrder {Q(id)}", t, async (s, _) => await s.GetOrderAsync(id));
            }
            case 4:
            {
                var source = bad && Chance(0.5) ? "" : Pick("x402", "stripe");
                var pu = Id("pu", Purchases, bad);
                return S($"GetOrderByPurchase {Q(source)} {Q(pu)}", t, async (s, _) => await s.GetOrderByPurchaseAsync(source, pu));
            }
            case 5:
            {
                var (limit, offset) = Page(bad);
                return S($"ListOrders {limit} {offset}", t, async (s, _) => await s.ListOrdersAsync(limit, offset));
            }
            case 6:
            {
                var (limit, offset) = Page(bad && Chance(0.5));
                OrderStatus? status = Chance(0.6) ? null : bad && Chance(0.3) ? (OrderStatus)42 : Pick(OrderStatuses);
                var search = Chance(0.4) ? null : Pick("", "  ", "o-1", "ADA", "example", "%", "_", "\\", "'", "o-", "pu-2", "r-", " bob_ ", Text());
                var before = MaybeAt(0.6);
                var after = MaybeAt(0.6);
                return S($"ListOrdersFiltered status={status} search={Q(search)} before={(before is { } b ? D(b) : "null")} after={(after is { } a ? D(a) : "null")} {limit} {offset}", t,
                    async (s, _) => await s.ListOrdersFilteredAsync(status, search, before, after, limit, offset));
            }
            case 7:
            case 8:
            {
                var id = Id("o", Orders, bad);
                var status = bad && Chance(0.3) ? (OrderStatus)42 : Pick(OrderStatuses);
                var a = At();
                var b = At();
                return S($"UpdateOrderStatus {Q(id)} {status} {D(a)} {D(b)}", t, (s, _) => Void(s.UpdateOrderStatusAsync(id, status, a, b)));
            }
            case 9:
            {
                var e = new OrderHistoryEntry
                {
                    Id = Id("h", History, bad),
                    OrderId = Id("o", Orders),
                    FromStatus = Pick(OrderStatuses),
                    ToStatus = Pick(OrderStatuses),
                    Note = Pick<string?>(null, Text()),
                    Actor = Pick<string?>(null, "admin"),
                    CreatedAt = At(),
                };
                return S($"AppendOrderHistory h(id={Q(e.Id)}, order={e.OrderId}, {e.FromStatus}->{e.ToStatus}, note={Q(e.Note)}, actor={Q(e.Actor)}, at={D(e.CreatedAt)})", t,
                    (s, _) => Void(s.AppendOrderHistoryAsync(e)));
            }
            case 10:
            {
                var id = Id("o", Orders, bad && Chance(0.5));
                var limit = bad ? Pick(-1, 1001) : Pick(0, 1, 2, 50);
                return S($"ListOrderHistory {Q(id)} {limit}", t, async (s, _) => await s.ListOrderHistoryAsync(id, limit));
            }
            default:
            {
                var id = Id("o", Orders, bad);
                var status = Pick(OrderStatuses);
                var at = At();
                var note = Pick<string?>(null, Text());
                var actor = Pick<string?>(null, "admin");
                return S($"UpdateOrderStatusWithHistory {Q(id)} {status} {D(at)} note={Q(note)} actor={Q(actor)}", t,
                    async (s, _) => await s.UpdateOrderStatusWithHistoryAsync(id, status, at, note, actor));
            }
        }
    }

    // ---------- §4 fulfillments ----------

    private Step FulfillmentOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(5))
        {
            case 0:
            case 1:
            {
                var f = new Fulfillment
                {
                    Id = Id("f", Fulfillments, bad),
                    OrderId = Id("o", Orders),
                    Status = Pick(Enum.GetValues<FulfillmentStatus>()),
                    Carrier = Pick<string?>(null, "dhl"),
                    TrackingNumber = Pick<string?>(null, "TN1"),
                    TrackingUrl = Pick<string?>(null, "https://t/1"),
                    Items = Enumerable.Range(0, Int(0, 2)).Select(_ => new FulfillmentItem { ProductId = Id("p", Products), VariantId = Pick(Variants), Quantity = bad && Chance(0.3) ? 0 : Int(1, 2) }).ToArray(),
                    ShippedAt = MaybeAt(0.6),
                    DeliveredAt = MaybeAt(0.7),
                    Metadata = Meta(),
                    CreatedAt = At(),
                    UpdatedAt = MaybeAt(),
                };
                return S($"CreateFulfillment f(id={Q(f.Id)}, order={f.OrderId}, {f.Status}, {Q(f.Carrier)}/{Q(f.TrackingNumber)}/{Q(f.TrackingUrl)}, items=[{string.Join(",", f.Items.Select(i => $"{i.ProductId}/{i.VariantId}x{i.Quantity}"))}], shipped={f.ShippedAt}, delivered={f.DeliveredAt}, meta={M(f.Metadata)}, created={D(f.CreatedAt)}, updated={f.UpdatedAt})", t,
                    (s, _) => Void(s.CreateFulfillmentAsync(f)));
            }
            case 2:
            {
                var id = Id("f", Fulfillments, bad);
                return S($"GetFulfillment {Q(id)}", t, async (s, _) => await s.GetFulfillmentAsync(id));
            }
            case 3:
            {
                var id = Id("o", Orders, bad && Chance(0.5));
                var limit = bad ? Pick(-1, 1001) : Pick(0, 1, 5);
                return S($"ListFulfillments {Q(id)} {limit}", t, async (s, _) => await s.ListFulfillmentsAsync(id, limit));
            }
            default:
            {
                var id = Id("f", Fulfillments, bad);
                var status = bad && Chance(0.3) ? (FulfillmentStatus)9 : Pick(Enum.GetValues<FulfillmentStatus>());
                var shipped = MaybeAt(0.5);
                var delivered = MaybeAt(0.6);
                var updated = At();
                var tn = Pick<string?>(null, null, "", "TN2");
                var url = Pick<string?>(null, null, "", "https://t/2");
                var carrier = Pick<string?>(null, null, "", "ups");
                return S($"UpdateFulfillmentStatus {Q(id)} {status} shipped={shipped} delivered={delivered} updated={D(updated)} tn={Q(tn)} url={Q(url)} carrier={Q(carrier)}", t,
                    async (s, _) => await s.UpdateFulfillmentStatusAsync(id, status, shipped, delivered, updated, tn, url, carrier));
            }
        }
    }

    // ---------- §5 inventory ----------

    private InventoryReservation Reservation(bool bad) => new()
    {
        Id = Id("res", Reservations, bad && Chance(0.3)),
        ProductId = Id("p", 3),
        VariantId = Pick(Variants),
        Quantity = bad && Chance(0.4) ? 0 : Int(1, 3),
        ExpiresAt = bad && Chance(0.5) ? _now - TimeSpan.FromSeconds(1) : Future(),
        CartId = Chance(0.1) ? null : Id("rc", ResCarts),
        Status = Pick(ReservationStatus.Active, ReservationStatus.Active, ReservationStatus.Released),
        CreatedAt = Chance(0.3) ? default : At(),
    };

    private static string ResText(InventoryReservation r) =>
        $"res(id={Q(r.Id)}, {r.ProductId}/{r.VariantId ?? "-"}x{r.Quantity}, cart={Q(r.CartId)}, status={r.Status}, expires={D(r.ExpiresAt)}, created={(r.CreatedAt == default ? "default" : D(r.CreatedAt))})";

    private Step InventoryOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(8))
        {
            case 0:
            {
                var r = Reservation(bad);
                return S($"ReserveInventory {ResText(r)}", t, (s, _) => Void(s.ReserveInventoryAsync(r)));
            }
            case 1:
            case 2:
            {
                var r = Reservation(bad);
                var stock = bad && Chance(0.3) ? -1 : Int(0, 6);
                return S($"ReserveInventory {ResText(r)} stock={stock}", t, (s, _) => Void(s.ReserveInventoryAsync(r, stock)));
            }
            case 3:
            {
                var rs = Enumerable.Range(0, Int(0, 3)).Select(i => Reservation(bad && i == 0)).ToArray();
                var stock = new Dictionary<StockKey, int>();
                foreach (var r in rs)
                    if (!Chance(0.05)) stock[new StockKey(r.ProductId, r.VariantId)] = Int(0, 6);
                return S($"ReserveInventory cart [{string.Join("; ", rs.Select(ResText))}] stock={{{string.Join(",", stock.OrderBy(k => k.Key.ProductId + "/" + k.Key.VariantId, StringComparer.Ordinal).Select(k => $"{k.Key.ProductId}/{k.Key.VariantId ?? "-"}={k.Value}"))}}}", t,
                    (s, _) => Void(s.ReserveInventoryAsync(rs, stock)));
            }
            case 4:
            {
                var p = Id("p", 3, bad);
                var v = Pick(Variants);
                return S($"GetReservedQuantity {Q(p)} {Q(v)}", t, async (s, _) => await s.GetReservedQuantityAsync(p, v));
            }
            case 5:
            {
                var c = Id("rc", ResCarts, bad);
                return S($"ListActiveReservationsForCart {Q(c)}", t, async (s, _) => await s.ListActiveReservationsForCartAsync(c));
            }
            case 6:
            {
                var c = Id("rc", ResCarts, bad);
                var at = At();
                return Chance(0.5)
                    ? S($"ReleaseInventoryReservations {Q(c)} {D(at)}", t, async (s, _) => await s.ReleaseInventoryReservationsAsync(c, at))
                    : S($"ConvertInventoryReservations {Q(c)} {D(at)}", t, async (s, _) => await s.ConvertInventoryReservationsAsync(c, at));
            }
            default:
            {
                var at = Pick(0, 1, 2) switch { 0 => _now, 1 => Earlier(), _ => At() };
                return S($"CleanupExpiredInventoryReservations {D(at)}", t, async (s, _) => await s.CleanupExpiredInventoryReservationsAsync(at));
            }
        }
    }

    // ---------- §6 payments ----------

    private PaymentTransaction Payment(bool bad, string? sig = null) => new()
    {
        Signature = sig ?? Id("sig", Signatures, bad),
        ResourceId = bad && Chance(0.3) ? "" : Id("r", Resources),
        Wallet = Pick(Wallets),
        Amount = Amount(bad),
        AmountAsset = "USDC",
        CreatedAt = Chance(0.3) ? default : At(),
        Metadata = Meta(),
    };

    private static string PayText(PaymentTransaction p) =>
        $"pay(sig={Q(p.Signature)}, res={Q(p.ResourceId)}, wallet={p.Wallet}, amount={p.Amount}, created={(p.CreatedAt == default ? "default" : D(p.CreatedAt))}, meta={M(p.Metadata)})";

    private Step PaymentOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(7))
        {
            case 0:
            {
                var p = Payment(bad);
                return S($"RecordPayment {PayText(p)}", t, (s, _) => Void(s.RecordPaymentAsync(p)));
            }
            case 1:
            {
                var p = Payment(bad);
                return S($"TryRecordPayment {PayText(p)}", t, async (s, _) => await s.TryRecordPaymentAsync(p));
            }
            case 2:
            {
                var sig = Id("sig", Signatures, bad);
                return S($"HasPaymentBeenProcessed {Q(sig)}", t, async (s, _) => await s.HasPaymentBeenProcessedAsync(sig));
            }
            case 3:
            {
                var sig = Id("sig", Signatures, bad);
                return S($"GetPayment {Q(sig)}", t, async (s, _) => await s.GetPaymentAsync(sig));
            }
            case 4:
            case 5:
            {
                var n = Int(0, 3);
                var sigs = Enumerable.Range(0, n).Select(_ => Id("sig", Signatures)).ToArray();
                if (!known.DuplicateBatchSignatures) sigs = sigs.Distinct().ToArray();
                var batch = sigs.Select((sig, i) => Payment(bad && i == 0, sig)).ToArray();
                return S($"RecordPayments [{string.Join("; ", batch.Select(PayText))}]", t, (s, _) => Void(s.RecordPaymentsAsync(batch)));
            }
            default:
            {
                var cutoff = At();
                return S($"ArchiveOldPayments {D(cutoff)}", t, async (s, _) => await s.ArchiveOldPaymentsAsync(cutoff));
            }
        }
    }

    // ---------- §7 nonces ----------

    private static readonly string[] Purposes = ["approve-refund", "delete-product"];

    private Step NonceOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(5))
        {
            case 0:
            case 1:
            {
                var created = Chance(0.3) ? default : At();
                var n = new AdminNonce
                {
                    Id = Id("n", Nonces, bad),
                    Purpose = bad && Chance(0.3) ? " " : Pick(Purposes),
                    CreatedAt = created,
                    ExpiresAt = bad && Chance(0.3) ? (created == default ? _now : created) : (created == default ? _now : created) + Pick(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), TimeSpan.FromHours(3)),
                    ConsumedAt = MaybeAt(0.9),
                };
                return S($"CreateNonce n(id={Q(n.Id)}, {Q(n.Purpose)}, created={(created == default ? "default" : D(created))}, expires={D(n.ExpiresAt)}, consumed={n.ConsumedAt})", t,
                    (s, _) => Void(s.CreateNonceAsync(n)));
            }
            case 2:
            {
                var id = Id("n", Nonces, bad);
                return S($"ConsumeNonce {Q(id)}", t, (s, _) => Void(s.ConsumeNonceAsync(id)));
            }
            case 3:
            {
                var id = Id("n", Nonces, bad);
                var purpose = bad && Chance(0.5) ? "" : Pick(Purposes);
                return S($"ConsumeNonce {Q(id)} purpose={Q(purpose)}", t, (s, _) => Void(s.ConsumeNonceAsync(id, purpose)));
            }
            default:
                return S("CleanupExpiredNonces", t, async (s, _) => await s.CleanupExpiredNoncesAsync());
        }
    }

    // ---------- §8 webhooks ----------

    /// <summary>A webhook id: from the pool, or one a backend generated earlier (looked up per lane).</summary>
    private (string Text, Func<Lane, string> Resolve) WebhookRef(bool bad)
    {
        if (bad && Chance(0.5)) return ("\"\"", _ => "");
        if (Chance(0.3))
        {
            var k = _rng.Next(1000);
            return ($"gen[{k}]", lane => lane.GeneratedWebhook(k));
        }
        var id = Id("wh", Webhooks);
        return (Q(id), _ => id);
    }

    private Step WebhookOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(14))
        {
            case 0:
            case 1:
            case 2:
            {
                var generated = Chance(0.3);
                var w = new PendingWebhook
                {
                    Id = generated ? "" : Id("wh", Webhooks, bad && Chance(0.3)),
                    Url = bad && Chance(0.2) ? "" : "https://m.example/hook",
                    Payload = bad && Chance(0.4) ? Pick("{", "", "nope") : Pick("{\"a\":1}", "{ \"b\" : [1,2] , \"a\":\"x\"}", "[]", "\"s\"", "{\"n\":1.50}"),
                    Headers = Meta(),
                    EventType = Pick("order.paid", ""),
                    Status = Pick(WebhookStatus.Pending, WebhookStatus.Success),
                    Attempts = Int(0, 2),
                    MaxAttempts = bad && Chance(0.3) ? 0 : Int(1, 3),
                    NextAttemptAt = MaybeAt(0.6),
                    CreatedAt = MaybeAt(0.7),
                };
                return S($"EnqueueWebhook wh(id={Q(w.Id)}, url={Q(w.Url)}, payload={Q(w.Payload)}, headers={M(w.Headers)}, type={Q(w.EventType)}, status={w.Status}, attempts={w.Attempts}, max={w.MaxAttempts}, next={w.NextAttemptAt}, created={w.CreatedAt})", t,
                    async (s, lane) =>
                    {
                        var id = await s.EnqueueWebhookAsync(w);
                        if (w.Id.Length == 0 && !lane.GeneratedWebhookIds.Contains(id)) lane.GeneratedWebhookIds.Add(id);
                        return id;
                    });
            }
            case 3:
            case 4:
            {
                var limit = bad ? Pick(-1, 1001) : Pick(0, 1, 2, 5);
                return S($"DequeueWebhooks {limit}", t, async (s, lane) =>
                {
                    var claimed = await s.DequeueWebhooksAsync(limit);
                    foreach (var w in claimed) lane.Remember("wh:" + w.Id, w.ClaimToken);
                    return claimed;
                });
            }
            case 5:
            {
                var (text, id) = WebhookRef(bad);
                return S($"MarkWebhookProcessing {text}", t, async (s, lane) =>
                {
                    var w = await s.MarkWebhookProcessingAsync(id(lane));
                    lane.Remember("wh:" + w.Id, w.ClaimToken);
                    return w;
                });
            }
            case 6:
            case 7:
            {
                var (text, id) = WebhookRef(bad);
                TokenPick? pick = Chance(0.3) ? null : Pick(TokenPick.Latest, TokenPick.Latest, TokenPick.Oldest, TokenPick.Bogus);
                return S($"MarkWebhookSuccess {text} token={pick?.ToString() ?? "none"}", t, (s, lane) =>
                {
                    var wid = id(lane);
                    return Void(pick is { } p ? s.MarkWebhookSuccessAsync(wid, lane.Recall("wh:" + wid, p)) : s.MarkWebhookSuccessAsync(wid));
                });
            }
            case 8:
            case 9:
            {
                var (text, id) = WebhookRef(bad);
                TokenPick? pick = Chance(0.3) ? null : Pick(TokenPick.Latest, TokenPick.Latest, TokenPick.Oldest, TokenPick.Bogus);
                var error = Pick("timeout", "", "HTTP 500");
                var next = At();
                return S($"MarkWebhookFailed {text} {Q(error)} next={D(next)} token={pick?.ToString() ?? "none"}", t, (s, lane) =>
                {
                    var wid = id(lane);
                    return Void(pick is { } p ? s.MarkWebhookFailedAsync(wid, error, next, lane.Recall("wh:" + wid, p)) : s.MarkWebhookFailedAsync(wid, error, next));
                });
            }
            case 10:
            {
                var (text, id) = WebhookRef(bad);
                return S($"GetWebhook {text}", t, async (s, lane) => await s.GetWebhookAsync(id(lane)));
            }
            case 11:
            {
                WebhookStatus? status = Chance(0.4) ? null : Pick(Enum.GetValues<WebhookStatus>());
                var limit = bad ? Pick(-1, 1001) : Pick(0, 1, 3, 100);
                return Chance(0.7)
                    ? S($"ListWebhooks {status} {limit}", t, async (s, _) => await s.ListWebhooksAsync(status, limit))
                    : S("CountWebhooksByStatus", t, async (s, _) => await s.CountWebhooksByStatusAsync());
            }
            case 12:
            {
                var (text, id) = WebhookRef(bad);
                return Chance(0.6)
                    ? S($"RetryWebhook {text}", t, (s, lane) => Void(s.RetryWebhookAsync(id(lane))))
                    : S($"DeleteWebhook {text}", t, (s, lane) => Void(s.DeleteWebhookAsync(id(lane))));
            }
            default:
            {
                var cutoff = At();
                return S($"CleanupCompletedWebhooks {D(cutoff)}", t, async (s, _) => await s.CleanupCompletedWebhooksAsync(cutoff));
            }
        }
    }

    // ---------- §9 idempotency ----------

    private IdempotencyResponse Response() => new()
    {
        StatusCode = Pick(200, 201, 409),
        Headers = Meta(),
        Body = Pick<byte[]>([], "{\"ok\":true}"u8.ToArray(), [0, 255, 10]),
        CachedAt = Chance(0.5) ? default : At(),
    };

    private static string RespText(IdempotencyResponse r) =>
        $"resp({r.StatusCode}, {M(r.Headers)}, b64:{Convert.ToBase64String(r.Body)}, cached={(r.CachedAt == default ? "default" : D(r.CachedAt))})";

    private Step IdempotencyOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(8))
        {
            case 0:
            {
                var key = Id("k", Keys, bad);
                var r = Response();
                var ttl = Ttl(bad && Chance(0.5));
                return S($"SaveIdempotencyKey {Q(key)} {RespText(r)} {ttl}", t, (s, _) => Void(s.SaveIdempotencyKeyAsync(key, r, ttl)));
            }
            case 1:
            {
                var key = Id("k", Keys, bad);
                return S($"GetIdempotencyKey {Q(key)}", t, async (s, _) => await s.GetIdempotencyKeyAsync(key));
            }
            case 2:
            {
                var key = Id("k", Keys, bad);
                return Chance(0.5)
                    ? S($"DeleteIdempotencyKey {Q(key)}", t, (s, _) => Void(s.DeleteIdempotencyKeyAsync(key)))
                    : S("CleanupExpiredIdempotencyKeys", t, async (s, _) => await s.CleanupExpiredIdempotencyKeysAsync());
            }
            case 3:
            case 4:
            {
                var key = Id("k", Keys, bad);
                var fp = bad && Chance(0.5) ? "" : Pick("fp-1", "fp-2");
                var ttl = Ttl(bad && Chance(0.5));
                return S($"TryBeginIdempotentRequest {Q(key)} {Q(fp)} {ttl}", t, async (s, lane) =>
                {
                    var result = await s.TryBeginIdempotentRequestAsync(key, fp, ttl);
                    lane.Remember($"k:{t}:{key}", result.LockToken);
                    return result;
                });
            }
            case 5:
            case 6:
            {
                var key = Id("k", Keys, bad);
                var pick = Pick(TokenPick.Latest, TokenPick.Latest, TokenPick.Oldest, TokenPick.Bogus);
                var r = Response();
                var ttl = Ttl(bad && Chance(0.5));
                return S($"CompleteIdempotentRequest {Q(key)} token={pick} {RespText(r)} {ttl}", t,
                    (s, lane) => Void(s.CompleteIdempotentRequestAsync(key, lane.Recall($"k:{t}:{key}", pick), r, ttl)));
            }
            default:
            {
                var key = Id("k", Keys, bad);
                var pick = Pick(TokenPick.Latest, TokenPick.Latest, TokenPick.Oldest, TokenPick.Bogus);
                return S($"ReleaseIdempotentRequest {Q(key)} token={pick}", t,
                    async (s, lane) => await s.ReleaseIdempotentRequestAsync(key, lane.Recall($"k:{t}:{key}", pick)));
            }
        }
    }

    // ---------- §15 Stripe sessions ----------

    private Step SessionOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(6))
        {
            case 0:
            case 1:
            {
                var x = new StripeSession
                {
                    Id = Id("cs", Sessions, bad),
                    ResourceId = Id("r", Resources),
                    Status = bad && Chance(0.3) ? (StripeSessionStatus)7 : Pick(StripeSessionStatus.Pending, StripeSessionStatus.Pending, StripeSessionStatus.Completed, StripeSessionStatus.Expired),
                    AmountCents = Amount(bad),
                    Currency = Pick("usd", "eur"),
                    CustomerEmail = Pick<string?>(null, "a@b.c"),
                    Metadata = Meta(),
                    CreatedAt = Chance(0.3) ? default : At(),
                    CompletedAt = MaybeAt(0.7),
                };
                return S($"SaveStripeSession cs(id={Q(x.Id)}, res={x.ResourceId}, {x.Status}, {x.AmountCents}{x.Currency}, email={Q(x.CustomerEmail)}, meta={M(x.Metadata)}, created={(x.CreatedAt == default ? "default" : D(x.CreatedAt))}, completed={x.CompletedAt})", t,
                    (s, _) => Void(s.SaveStripeSessionAsync(x)));
            }
            case 2:
            {
                var id = Id("cs", Sessions, bad);
                return S($"GetStripeSession {Q(id)}", t, async (s, _) => await s.GetStripeSessionAsync(id));
            }
            case 3:
            {
                var id = Id("cs", Sessions, bad);
                var at = At();
                return S($"CompleteStripeSession {Q(id)} {D(at)}", t, async (s, _) => await s.CompleteStripeSessionAsync(id, at));
            }
            case 4:
            {
                var r = Id("r", Resources, bad);
                StripeSessionStatus? status = Chance(0.5) ? null : Pick(Enum.GetValues<StripeSessionStatus>());
                var limit = bad ? Pick(-1, 1001) : Pick(0, 1, 10);
                return S($"ListStripeSessionsByResource {Q(r)} {status} {limit}", t, async (s, _) => await s.ListStripeSessionsByResourceAsync(r, status, limit));
            }
            default:
            {
                var at = At();
                return S($"ExpireStripeSessions {D(at)}", t, async (s, _) => await s.ExpireStripeSessionsAsync(at));
            }
        }
    }

    // ---------- §10 products ----------

    private Step ProductOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(6))
        {
            case 0:
            case 1:
            {
                var p = new Product
                {
                    Id = Id("p", Products, bad && Chance(0.5)),
                    Description = Text(),
                    FiatAmount = bad ? -5 : Pick<long?>(null, 1999),
                    FiatCurrency = Pick<string?>(null, "usd"),
                    StripePriceId = Pick<string?>(null, Pick(PriceIds)),
                    CryptoAmount = Pick<long?>(null, 19_990_000),
                    CryptoToken = Pick<string?>(null, "USDC"),
                    CryptoAccount = Pick<string?>(null, "acct"),
                    MemoTemplate = Pick<string?>(null, "m-{id}"),
                    Metadata = Meta(),
                    Active = !Chance(0.15),
                    SubscriptionConfig = Chance(0.5) ? null : new ProductSubscriptionConfig { BillingPeriod = Pick("month", "year"), BillingInterval = Int(1, 3), TrialDays = Int(0, 14) },
                    CreatedAt = Chance(0.3) ? default : At(),
                    UpdatedAt = Chance(0.3) ? default : At(),
                };
                var create = Chance(0.5);
                var text = $"{(create ? "CreateProduct" : "UpdateProduct")} p(id={Q(p.Id)}, desc={Q(p.Description)}, fiat={p.FiatAmount}{p.FiatCurrency}, price={Q(p.StripePriceId)}, crypto={p.CryptoAmount}{p.CryptoToken}/{p.CryptoAccount}, memo={Q(p.MemoTemplate)}, meta={M(p.Metadata)}, active={p.Active}, sub={(p.SubscriptionConfig is { } c ? $"{c.BillingPeriod}/{c.BillingInterval}/{c.TrialDays}" : "null")}, created={(p.CreatedAt == default ? "default" : D(p.CreatedAt))}, updated={(p.UpdatedAt == default ? "default" : D(p.UpdatedAt))})";
                return S(text, t, (s, _) => Void(create ? s.Products.CreateProductAsync(p) : s.Products.UpdateProductAsync(p)));
            }
            case 2:
            {
                var id = Id("p", Products, bad);
                return S($"DeleteProduct {Q(id)}", t, (s, _) => Void(s.Products.DeleteProductAsync(id)));
            }
            case 3:
            {
                var id = Id("p", Products, bad);
                return S($"GetProduct {Q(id)}", t, async (s, _) => await s.Products.GetProductAsync(id));
            }
            case 4:
            {
                var price = bad ? "" : Pick(PriceIds);
                return S($"GetProductByStripePriceId {Q(price)}", t, async (s, _) => await s.Products.GetProductByStripePriceIdAsync(price));
            }
            default:
                return S("ListProducts", t, async (s, _) => await s.Products.ListProductsAsync());
        }
    }

    // ---------- §10 coupons ----------

    private string Code(bool bad)
    {
        if (bad && Chance(0.6)) return Pick("", "bad code", "x/y", new string('C', 65));
        if (known.TrailingNewlines && Chance(0.03)) return Pick(Codes) + "\n";
        var code = Pick(Codes);
        return Int(0, 2) switch { 0 => code, 1 => code.ToLowerInvariant(), _ => code.ToUpperInvariant() };
    }

    private Step CouponOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(8))
        {
            case 0:
            case 1:
            {
                var scope = Pick(CouponScope.All, CouponScope.Specific);
                var c = new Coupon
                {
                    Code = Code(bad && Chance(0.5)),
                    DiscountType = Pick(CouponDiscountType.Percentage, CouponDiscountType.Fixed),
                    DiscountValue = bad ? -1 : Pick(10, 12.5, 0.1),
                    Currency = Pick<string?>(null, "usd"),
                    Scope = scope,
                    ProductIds = Enumerable.Range(0, Int(0, 2)).Select(_ => Id("p", Products)).Distinct().ToArray(),
                    PaymentMethod = Pick(PaymentMethods),
                    AutoApply = Chance(0.6),
                    AppliesAt = Pick<string?>(null, "checkout"),
                    UsageLimit = Pick<int?>(null, 0, 1, 2, 5),
                    UsageCount = Int(0, 2),
                    StartsAt = MaybeAt(0.6),
                    ExpiresAt = MaybeAt(0.6),
                    Active = !Chance(0.15),
                    Metadata = Meta(),
                    CreatedAt = Chance(0.3) ? default : At(),
                    UpdatedAt = Chance(0.3) ? default : At(),
                };
                var create = Chance(0.6);
                var text = $"{(create ? "CreateCoupon" : "UpdateCoupon")} c(code={Q(c.Code)}, {c.DiscountType} {c.DiscountValue.ToString(CultureInfo.InvariantCulture)} {c.Currency}, {c.Scope} [{string.Join(",", c.ProductIds)}], pm={Q(c.PaymentMethod)}, auto={c.AutoApply}, at={Q(c.AppliesAt)}, limit={c.UsageLimit}, count={c.UsageCount}, starts={c.StartsAt}, expires={c.ExpiresAt}, active={c.Active}, meta={M(c.Metadata)})";
                return S(text, t, (s, _) => Void(create ? s.Coupons.CreateCouponAsync(c) : s.Coupons.UpdateCouponAsync(c)));
            }
            case 2:
            {
                var code = Code(bad);
                return S($"GetCoupon {Q(code)}", t, async (s, _) => await s.Coupons.GetCouponAsync(code));
            }
            case 3:
                return S("ListCoupons", t, async (s, _) => await s.Coupons.ListCouponsAsync());
            case 4:
            {
                var p = Id("p", Products, bad && Chance(0.5));
                var pm = bad ? "bogus" : Pick(PaymentMethods);
                return S($"GetAutoApplyCouponsForPayment {Q(p)} {Q(pm)}", t, async (s, _) => await s.Coupons.GetAutoApplyCouponsForPaymentAsync(p, pm));
            }
            case 5:
            {
                var pm = bad ? "bogus" : Pick(PaymentMethods);
                return S($"GetAllAutoApplyCouponsForPayment {Q(pm)}", t, async (s, _) => await s.Coupons.GetAllAutoApplyCouponsForPaymentAsync(pm));
            }
            case 6:
            {
                var code = Code(bad);
                return S($"IncrementUsage {Q(code)}", t, async (s, _) => await s.Coupons.IncrementUsageAsync(code));
            }
            default:
            {
                var code = Code(bad);
                return S($"DeleteCoupon {Q(code)}", t, (s, _) => Void(s.Coupons.DeleteCouponAsync(code)));
            }
        }
    }

    // ---------- §10 subscriptions ----------

    private static readonly SubscriptionStatus[] SubStatuses = Enum.GetValues<SubscriptionStatus>();

    private Step SubscriptionOp(string t)
    {
        var bad = Bad();
        switch (_rng.Next(13))
        {
            case 0:
            case 1:
            case 2:
            {
                var start = At();
                var x = new Subscription
                {
                    Id = Id("s", Subscriptions, bad && Chance(0.4)),
                    ProductId = Id("p", Products),
                    Wallet = Pick<string?>(null, Pick(Wallets)),
                    StripeCustomerId = Pick<string?>(null, Pick(Customers)),
                    StripeSubscriptionId = Pick<string?>(null, "", Pick(StripeSubs)),
                    PaymentMethod = Pick(PaymentMethods),
                    BillingPeriod = bad && Chance(0.3) ? "" : Pick("month", "year"),
                    BillingInterval = bad && Chance(0.3) ? 0 : Int(1, 2),
                    Status = Pick(SubStatuses),
                    CurrentPeriodStart = start,
                    CurrentPeriodEnd = bad && Chance(0.3) ? start : start + Pick(TimeSpan.FromHours(1), TimeSpan.FromDays(30)),
                    TrialEnd = MaybeAt(0.7),
                    CancelledAt = MaybeAt(0.85),
                    CancelAtPeriodEnd = Chance(0.2),
                    Metadata = Meta(),
                    CreatedAt = Chance(0.3) ? default : At(),
                    UpdatedAt = Chance(0.3) ? default : At(),
                };
                var create = Chance(0.6);
                var text = $"{(create ? "CreateSubscription" : "UpdateSubscription")} s(id={Q(x.Id)}, p={x.ProductId}, wallet={Q(x.Wallet)}, cus={Q(x.StripeCustomerId)}, ss={Q(x.StripeSubscriptionId)}, pm={Q(x.PaymentMethod)}, {Q(x.BillingPeriod)}/{x.BillingInterval}, {x.Status}, {D(x.CurrentPeriodStart)}..{D(x.CurrentPeriodEnd)}, trial={x.TrialEnd}, cancelled={x.CancelledAt}, atEnd={x.CancelAtPeriodEnd}, meta={M(x.Metadata)}, created={(x.CreatedAt == default ? "default" : D(x.CreatedAt))}, updated={(x.UpdatedAt == default ? "default" : D(x.UpdatedAt))})";
                return S(text, t, (s, _) => Void(create ? s.Subscriptions.CreateAsync(x) : s.Subscriptions.UpdateAsync(x)));
            }
            case 3:
            {
                var id = Id("s", Subscriptions, bad);
                return S($"GetSubscription {Q(id)}", t, async (s, _) => await s.Subscriptions.GetAsync(id));
            }
            case 4:
            {
                var id = Id("s", Subscriptions, bad);
                return S($"DeleteSubscription {Q(id)}", t, (s, _) => Void(s.Subscriptions.DeleteAsync(id)));
            }
            case 5:
            {
                var w = bad ? "" : Pick(Wallets);
                var p = Id("p", Products);
                return S($"GetByWallet {Q(w)} {p}", t, async (s, _) => await s.Subscriptions.GetByWalletAsync(w, p));
            }
            case 6:
            {
                var ss = bad ? "" : Pick(StripeSubs);
                return S($"GetByStripeSubscriptionId {Q(ss)}", t, async (s, _) => await s.Subscriptions.GetByStripeSubscriptionIdAsync(ss));
            }
            case 7:
            {
                var c = bad ? "" : Pick(Customers);
                return S($"GetByStripeCustomerId {Q(c)}", t, async (s, _) => await s.Subscriptions.GetByStripeCustomerIdAsync(c));
            }
            case 8:
            {
                var p = Id("p", Products, bad);
                return S($"ListByProduct {Q(p)}", t, async (s, _) => await s.Subscriptions.ListByProductAsync(p));
            }
            case 9:
            {
                var p = Chance(0.5) ? null : Id("p", Products, bad);
                var before = At();
                return Chance(0.5)
                    ? S($"ListActive {Q(p)}", t, async (s, _) => await s.Subscriptions.ListActiveAsync(p))
                    : S($"ListExpiring {D(before)}", t, async (s, _) => await s.Subscriptions.ListExpiringAsync(before));
            }
            case 10:
            {
                var id = Id("s", Subscriptions, bad);
                var status = bad && Chance(0.3) ? (SubscriptionStatus)11 : Pick(SubStatuses);
                return S($"UpdateSubscriptionStatus {Q(id)} {status}", t, (s, _) => Void(s.Subscriptions.UpdateStatusAsync(id, status)));
            }
            default:
            {
                var id = Id("s", Subscriptions, bad);
                var start = At();
                var end = bad && Chance(0.4) ? start : start + Pick(TimeSpan.FromDays(30), TimeSpan.FromHours(1));
                if (Chance(0.5))
                    return S($"ExtendPeriod {Q(id)} {D(start)}..{D(end)}", t, (s, _) => Void(s.Subscriptions.ExtendPeriodAsync(id, start, end)));
                if (Chance(0.5))
                {
                    // The expected end as this backend stores it (read first): the compare-and-set should succeed.
                    return S($"ExtendPeriod {Q(id)} {D(start)}..{D(end)} expected=current", t, async (s, _) =>
                    {
                        var current = await s.Subscriptions.GetAsync(id);
                        await s.Subscriptions.ExtendPeriodAsync(id, start, end, current?.CurrentPeriodEnd ?? start);
                        return null;
                    });
                }
                var expected = At();
                return S($"ExtendPeriod {Q(id)} {D(start)}..{D(end)} expected={D(expected)}", t, (s, _) => Void(s.Subscriptions.ExtendPeriodAsync(id, start, end, expected)));
            }
        }
    }
}

/// <summary>Thrown by a generated transaction body to roll it back half-way.</summary>
public sealed class DeliberateAbortException() : Exception("deliberate abort");
