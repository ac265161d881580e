namespace Cedros.Storage.Tests.Conformance;

/// <summary>Valid sample entities; tests change what they are about with <c>with</c>.</summary>
public static class Make
{
    private static int _counter;

    /// <summary>A unique id with a readable prefix.</summary>
    public static string Id(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter):D6}";

    public static IReadOnlyDictionary<string, string> Meta(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value);

    public static CartQuote Cart(DateTimeOffset now, string? id = null) => new()
    {
        Id = id ?? Id("cart"),
        Items = [new CartItem { ResourceId = "prod-1", Quantity = 2, Price = 1_500_000, Asset = "USDC", Metadata = Meta(("size", "L")) }],
        TotalAmount = 3_000_000,
        TotalAsset = "USDC",
        Metadata = Meta(("source", "test")),
        CreatedAt = now,
        ExpiresAt = now.AddMinutes(15),
    };

    public static RefundQuote Refund(DateTimeOffset now, string? id = null, string? purchaseId = null) => new()
    {
        Id = id ?? Id("refund"),
        OriginalPurchaseId = purchaseId ?? Id("purchase"),
        RecipientWallet = "WalletRecipient111",
        Amount = 1_000_000,
        AmountAsset = "USDC",
        Token = "USDC",
        TokenMint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        TokenDecimals = 6,
        Reason = "damaged",
        Metadata = Meta(("ticket", "42")),
        CreatedAt = now,
        ExpiresAt = now.AddHours(1),
    };

    public static Order Order(DateTimeOffset now, string? id = null, string? purchaseId = null) => new()
    {
        Id = id ?? Id("order"),
        Source = "x402",
        PurchaseId = purchaseId ?? Id("sig"),
        ResourceId = "prod-1",
        Customer = "WalletCustomer111",
        CustomerEmail = "buyer@example.com",
        Items = [new OrderItem { ProductId = "prod-1", VariantId = "red", Quantity = 1, Name = "Shirt", UnitPrice = 2_000_000, Asset = "USDC" }],
        Amount = 2_000_000,
        AmountAsset = "USDC",
        Shipping = Meta(("name", "Ada"), ("city", "Lisbon")),
        Metadata = Meta(("channel", "web")),
        CreatedAt = now,
        UpdatedAt = now,
        StatusUpdatedAt = now,
    };

    public static Fulfillment Fulfillment(DateTimeOffset now, string orderId, string? id = null) => new()
    {
        Id = id ?? Id("ful"),
        OrderId = orderId,
        Items = [new FulfillmentItem { ProductId = "prod-1", VariantId = "red", Quantity = 1 }],
        Metadata = Meta(("warehouse", "eu-1")),
        CreatedAt = now,
        UpdatedAt = now,
    };

    public static InventoryReservation Reservation(DateTimeOffset now, string productId = "prod-1", string? cartId = null, int quantity = 1, string? variantId = null) => new()
    {
        Id = Id("res"),
        ProductId = productId,
        VariantId = variantId,
        Quantity = quantity,
        CartId = cartId ?? Id("cart"),
        ExpiresAt = now.AddMinutes(10),
        CreatedAt = now,
    };

    public static PaymentTransaction Payment(DateTimeOffset now, string? signature = null) => new()
    {
        Signature = signature ?? Id("sig"),
        ResourceId = "prod-1",
        Wallet = "WalletPayer111",
        Amount = 1_000_000,
        AmountAsset = "USDC",
        CreatedAt = now,
        Metadata = Meta(("memo", "order-1")),
    };

    public static AdminNonce Nonce(DateTimeOffset now, string purpose = "approve-refund", string? id = null) => new()
    {
        Id = id ?? Id("nonce"),
        Purpose = purpose,
        CreatedAt = now,
        ExpiresAt = now.AddMinutes(5),
    };

    public static PendingWebhook Webhook(string? id = null, string payload = "{\"event\":\"order.paid\",\"amount\": 1}") => new()
    {
        Id = id ?? Id("wh"),
        Url = "https://merchant.example/hooks",
        Payload = payload,
        Headers = Meta(("X-Signature", "abc")),
        EventType = "order.paid",
    };

    public static IdempotencyResponse Response(DateTimeOffset now, int status = 200, string body = "{\"ok\":true}") => new()
    {
        StatusCode = status,
        Headers = Meta(("Content-Type", "application/json")),
        Body = System.Text.Encoding.UTF8.GetBytes(body),
        CachedAt = now,
    };

    public static StripeSession StripeSession(DateTimeOffset now, string? id = null, string resourceId = "prod-1") => new()
    {
        Id = id ?? Id("cs"),
        ResourceId = resourceId,
        AmountCents = 1999,
        Currency = "usd",
        CustomerEmail = "buyer@example.com",
        Metadata = Meta(("plan", "pro")),
        CreatedAt = now,
    };

    public static Product Product(DateTimeOffset now, string? id = null) => new()
    {
        Id = id ?? Id("prod"),
        Description = "Pro plan",
        FiatAmount = 1999,
        FiatCurrency = "usd",
        StripePriceId = Id("price"),
        CryptoAmount = 19_990_000,
        CryptoToken = "USDC",
        CryptoAccount = "WalletMerchant111",
        MemoTemplate = "order-{id}",
        Metadata = Meta(("tier", "pro")),
        SubscriptionConfig = new ProductSubscriptionConfig { BillingPeriod = "month", BillingInterval = 1, TrialDays = 7 },
        CreatedAt = now,
        UpdatedAt = now,
    };

    public static Coupon Coupon(DateTimeOffset now, string? code = null) => new()
    {
        Code = code ?? Id("SAVE"),
        DiscountType = CouponDiscountType.Percentage,
        DiscountValue = 10,
        Scope = CouponScope.All,
        Metadata = Meta(("campaign", "spring")),
        CreatedAt = now,
        UpdatedAt = now,
    };

    public static Subscription Subscription(DateTimeOffset now, string? id = null, string productId = "prod-1", string wallet = "WalletSub111") => new()
    {
        Id = id ?? Id("sub"),
        ProductId = productId,
        Wallet = wallet,
        PaymentMethod = "x402",
        BillingPeriod = "month",
        BillingInterval = 1,
        Status = SubscriptionStatus.Active,
        CurrentPeriodStart = now.AddDays(-1),
        CurrentPeriodEnd = now.AddDays(29),
        Metadata = Meta(("seat", "1")),
        CreatedAt = now,
        UpdatedAt = now,
    };
}
