using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cedros.Storage;
using Microsoft.Extensions.Options;

namespace Cedros.Pay.Sample;

/// <summary>Request bodies.</summary>
public sealed record QuoteItemRequest(string ResourceId, int Quantity = 1);
/// <summary>A cart to price.</summary>
public sealed record QuoteRequest(IReadOnlyList<QuoteItemRequest> Items);
/// <summary>A crypto payment of a quoted cart.</summary>
public sealed record CryptoPaymentRequest(string CartId, string Signature, string Wallet);
/// <summary>Starts a Stripe checkout for one product.</summary>
public sealed record StripeCheckoutRequest(string ResourceId, string? CustomerEmail);
/// <summary>An admin nonce request.</summary>
public sealed record NonceRequest(string Purpose);
/// <summary>A product as the admin writes it.</summary>
public sealed record ProductRequest(string Description, long? CryptoAmount, string? CryptoToken, long? FiatAmount, string? FiatCurrency);
/// <summary>Starts a fulfillment.</summary>
public sealed record FulfillmentRequest(string? Carrier);
/// <summary>Ships a fulfillment.</summary>
public sealed record ShipRequest(string Carrier, string TrackingNumber, string? TrackingUrl);
/// <summary>A customer's refund request.</summary>
public sealed record RefundRequest(string OrderId, string? Reason);
/// <summary>An order with its history and fulfillments.</summary>
public sealed record OrderView(Order Order, IReadOnlyList<OrderHistoryEntry> History, IReadOnlyList<Fulfillment> Fulfillments);

/// <summary>The purposes admin nonces are issued for; each admin endpoint consumes one nonce of its purpose.</summary>
public static class NoncePurposes
{
    /// <summary>PUT /admin/products/{id}.</summary>
    public const string ProductsWrite = "products.write";
    /// <summary>POST /admin/orders/{id}/fulfillments.</summary>
    public const string FulfillmentsCreate = "fulfillments.create";
    /// <summary>POST /admin/fulfillments/{id}/ship.</summary>
    public const string FulfillmentsShip = "fulfillments.ship";
    /// <summary>POST /admin/refunds/{id}/payout.</summary>
    public const string RefundsPayout = "refunds.payout";

    /// <summary>All purposes.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { ProductsWrite, FulfillmentsCreate, FulfillmentsShip, RefundsPayout };
}

/// <summary>The payment server's endpoints. Every call runs for the request's tenant (header <c>X-Tenant-Id</c>).</summary>
public static class PayEndpoints
{
    /// <summary>The header carrying a one-time admin nonce.</summary>
    public const string NonceHeader = "X-Admin-Nonce";

    /// <summary>Maps every endpoint.</summary>
    public static IEndpointRouteBuilder MapPayEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/products", (ITenantStorage store, CancellationToken ct) => store.Products.ListProductsAsync(ct));
        app.MapPost("/cart/quote", QuoteAsync);
        app.MapGet("/cart/{cartId}", async (string cartId, ITenantStorage store, CancellationToken ct) =>
            await store.GetCartQuoteAsync(cartId, ct) is { } quote ? Results.Ok(quote) : NotFound("cart", cartId));

        // Money moves here: a retried request (same Idempotency-Key) gets the first answer, never a second execution.
        app.MapPost("/payments/crypto", PayCryptoAsync).WithIdempotency(o => o.Required = true);
        app.MapPost("/checkout/stripe", StartStripeCheckoutAsync).WithIdempotency();
        app.MapPost("/webhooks/stripe", StripeWebhookAsync);

        app.MapGet("/orders", ListOrdersAsync);
        app.MapGet("/orders/{orderId}", GetOrderAsync);
        app.MapPost("/refunds", RequestRefundAsync).WithIdempotency();
        app.MapGet("/refunds/{refundId}", async (string refundId, ITenantStorage store, CancellationToken ct) =>
            await store.GetRefundQuoteAsync(refundId, ct) is { } refund ? Results.Ok(refund) : NotFound("refund", refundId));

        app.MapPost("/admin/nonces", IssueNonceAsync);
        app.MapPut("/admin/products/{productId}", PutProductAsync);
        app.MapPost("/admin/orders/{orderId}/fulfillments", CreateFulfillmentAsync);
        app.MapPost("/admin/fulfillments/{fulfillmentId}/ship", ShipAsync);
        app.MapPost("/admin/refunds/{refundId}/payout", PayOutRefundAsync);
        return app;
    }

    // ── cart quote ──────────────────────────────────────────────────────────────────────────────────────────────

    private static async Task<IResult> QuoteAsync(QuoteRequest request, ITenantStorage store, TimeProvider time,
        IOptions<PayOptions> options, CancellationToken ct)
    {
        if (request.Items is not { Count: > 0 })
            return Invalid("items", "a cart needs at least one item.");
        var items = new List<CartItem>();
        string? asset = null;
        long total = 0;
        foreach (var line in request.Items)
        {
            if (line.Quantity < 1)
                return Invalid("quantity", "quantity must be at least 1.");
            var product = await store.Products.GetProductAsync(line.ResourceId, ct);
            if (product is not { Active: true, CryptoAmount: { } price, CryptoToken: { } token })
                return NotFound("product", line.ResourceId);
            if (asset is not null && asset != token)
                return Invalid("items", "all items of one cart must be priced in the same token.");
            asset = token;
            total = checked(total + price * line.Quantity);
            items.Add(new CartItem { ResourceId = product.Id, Quantity = line.Quantity, Price = price, Asset = token });
        }
        var now = time.GetUtcNow();
        var quote = new CartQuote
        {
            Id = NewId("cart"),
            Items = items,
            TotalAmount = total,
            TotalAsset = asset!,
            CreatedAt = now,
            ExpiresAt = now + options.Value.QuoteTtl,
        };
        await store.SaveCartQuoteAsync(quote, ct);
        return Results.Created($"/cart/{quote.Id}", quote);
    }

    // ── crypto payment: on-chain check, replay protection, order + history + webhook in one transaction ─────────

    private static async Task<IResult> PayCryptoAsync(CryptoPaymentRequest request, HttpRequest http, ITenantStorage store, IChainVerifier chain,
        TimeProvider time, IOptions<PayOptions> options, CancellationToken ct)
    {
        // This request's payment attempt id, derived from its Idempotency-Key (required here). When a client never got
        // the answer (timeout, dropped connection, a crash after the commit) it retries with the same key; once the key
        // is free again (a 5xx or an exception releases it, a lapsed lock or expiry frees it) the retry runs this handler
        // a second time and must find its own earlier payment, not a replay.
        var attemptId = AttemptIdOf(http.Headers[IdempotencyKeyHeader].ToString());
        var quote = await store.GetCartQuoteAsync(request.CartId, ct);
        if (quote is null)
            return NotFound("cart", request.CartId);

        // A cheap pre-check; the ledger's unique signature is what really refuses a replay (also across tenants).
        if (await store.GetPaymentAsync(request.Signature, ct) is { } recorded)
        {
            // Recorded under this attempt id: our own earlier attempt committed (payment, order and webhook are one
            // transaction), so answer as it would have.
            if (recorded.AttemptId == attemptId && await store.GetOrderByPurchaseAsync("crypto", request.Signature, ct) is { } own)
                return Results.Created($"/orders/{own.Id}", own);
            return PaymentAlreadyProcessed();
        }
        if (await store.HasPaymentBeenProcessedAsync(request.Signature, ct))   // another tenant's, or archived
            return PaymentAlreadyProcessed();
        var now = time.GetUtcNow();
        if (quote.WalletPaidBy is not null)
            return Results.Problem($"cart '{quote.Id}' is already paid.", statusCode: StatusCodes.Status409Conflict, title: "Cart already paid");
        if (quote.IsExpired(now))
            return Results.Problem($"cart '{quote.Id}' has expired; ask for a new quote.", statusCode: StatusCodes.Status410Gone, title: "Quote expired");
        var claim = new ChainPaymentClaim(request.Signature, request.Wallet, options.Value.MerchantWallet, quote.TotalAmount, quote.TotalAsset);
        if (!await chain.VerifyAsync(claim, ct))
            return Results.Problem("the transaction was not found on chain or does not pay this cart.",
                statusCode: StatusCodes.Status402PaymentRequired, title: "Payment not verified");

        var order = new Order
        {
            Id = NewId("ord"),
            Source = "crypto",
            PurchaseId = request.Signature,
            ResourceId = quote.Items[0].ResourceId,
            UserId = request.Wallet,
            Items = [.. quote.Items.Select(i => new OrderItem { ProductId = i.ResourceId, Quantity = i.Quantity, UnitPrice = i.Price, Asset = i.Asset })],
            Amount = quote.TotalAmount,
            AmountAsset = quote.TotalAsset,
            Metadata = new Dictionary<string, string> { ["cart_id"] = quote.Id },
            CreatedAt = now,
        };
        var orderId = await store.InTransactionAsync(async (tx, innerCt) =>
        {
            // Throws PaymentReplayException (→ 409) if the signature paid anything before, in any tenant, under another
            // attempt id: nothing below is written. Under this attempt id it is our own attempt, committed meanwhile.
            await tx.RecordPaymentAsync(new PaymentTransaction
            {
                Signature = request.Signature,
                ResourceId = order.ResourceId,
                Wallet = request.Wallet,
                Amount = quote.TotalAmount,
                AmountAsset = quote.TotalAsset,
                CreatedAt = now,
                Metadata = new Dictionary<string, string> { ["cart_id"] = quote.Id, ["order_id"] = order.Id },
                AttemptId = attemptId,
            }, innerCt);
            if (!await tx.TryStoreOrderAsync(order, innerCt))
                return (await tx.GetOrderByPurchaseAsync("crypto", request.Signature, innerCt))!.Id;   // our own attempt's order
            await tx.MarkCartPaidAsync(quote.Id, request.Wallet, innerCt);
            await tx.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Created, OrderStatus.Paid, now, "crypto payment verified", "system", innerCt);
            await EnqueueAsync(tx, options.Value, "order.paid", order.Id, new { orderId = order.Id, amount = order.Amount, asset = order.AmountAsset, signature = request.Signature }, innerCt);
            return order.Id;
        }, ct);
        return Results.Created($"/orders/{orderId}", await store.GetOrderAsync(orderId, ct));
    }

    /// <summary>The header the idempotency filter reads (<see cref="Cedros.Storage.AspNetCore.IdempotencyOptions"/>'s default).</summary>
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// The payment attempt id of a request: <c>idem:</c> and the SHA-256 of its idempotency key (hex), so it is stable
    /// across retries of one request, short and free of whatever the client put in the key. The ledger compares it
    /// within the tenant only, as the idempotency key itself is per tenant.
    /// </summary>
    public static string AttemptIdOf(string idempotencyKey) =>
        "idem:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));

    private static IResult PaymentAlreadyProcessed() =>
        Results.Problem("this payment signature was already processed.", statusCode: StatusCodes.Status409Conflict,
            title: "Payment already processed");

    // ── Stripe: the session is created at checkout; the completion webhook may arrive more than once ────────────

    private static async Task<IResult> StartStripeCheckoutAsync(StripeCheckoutRequest request, ITenantStorage store, TimeProvider time,
        CancellationToken ct)
    {
        var product = await store.Products.GetProductAsync(request.ResourceId, ct);
        if (product is not { Active: true, FiatAmount: { } amount, FiatCurrency: { } currency })
            return NotFound("product", request.ResourceId);
        // A real server calls Stripe's Checkout Sessions API here and stores the id it returns.
        var session = new StripeSession
        {
            Id = NewId("cs"),
            ResourceId = product.Id,
            AmountCents = amount,
            Currency = currency,
            CustomerEmail = request.CustomerEmail,
            CreatedAt = time.GetUtcNow(),
        };
        await store.SaveStripeSessionAsync(session, ct);
        return Results.Created($"/checkout/stripe/{session.Id}", new { sessionId = session.Id, url = $"https://checkout.stripe.com/c/pay/{session.Id}" });
    }

    private static async Task<IResult> StripeWebhookAsync(HttpRequest request, ITenantStorage store, TimeProvider time,
        IOptions<PayOptions> options, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        var now = time.GetUtcNow();
        if (!StripeSignature.Verify(options.Value.StripeWebhookSecret, request.Headers["Stripe-Signature"], body, now))
            return Results.Problem("the Stripe-Signature header does not match.", statusCode: StatusCodes.Status400BadRequest, title: "Bad signature");

        string? type, sessionId;
        try
        {
            using var json = JsonDocument.Parse(body);
            type = json.RootElement.GetProperty("type").GetString();
            sessionId = json.RootElement.GetProperty("data").GetProperty("object").GetProperty("id").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Invalid("body", "not a Stripe event.");
        }
        if (type != "checkout.session.completed" || string.IsNullOrEmpty(sessionId))
            return Results.Ok(new { received = true, handled = false });

        var orderId = await store.InTransactionAsync(async (tx, innerCt) =>
        {
            // True only for the first delivery: Stripe retries, and two deliveries may race.
            if (!await tx.CompleteStripeSessionAsync(sessionId, now, innerCt))
                return (await tx.GetOrderByPurchaseAsync("stripe", sessionId, innerCt))?.Id;
            var session = (await tx.GetStripeSessionAsync(sessionId, innerCt))!;
            var order = new Order
            {
                Id = NewId("ord"),
                Source = "stripe",
                PurchaseId = session.Id,
                ResourceId = session.ResourceId,
                CustomerEmail = session.CustomerEmail,
                Items = [new OrderItem { ProductId = session.ResourceId, UnitPrice = session.AmountCents, Asset = session.Currency }],
                Amount = session.AmountCents,
                AmountAsset = session.Currency,
                CreatedAt = now,
            };
            await tx.TryStoreOrderAsync(order, innerCt);
            await tx.UpdateOrderStatusWithHistoryAsync(order.Id, OrderStatus.Created, OrderStatus.Paid, now, "stripe checkout completed", "stripe", innerCt);
            await EnqueueAsync(tx, options.Value, "order.paid", order.Id, new { orderId = order.Id, amount = order.Amount, asset = order.AmountAsset, stripeSession = session.Id }, innerCt);
            return order.Id;
        }, ct);
        return Results.Ok(new { received = true, handled = true, orderId });
    }

    // ── orders ──────────────────────────────────────────────────────────────────────────────────────────────────

    private static async Task<IResult> ListOrdersAsync(ITenantStorage store, OrderStatus? status, string? search, int? limit, int? offset,
        CancellationToken ct) =>
        Results.Ok(await store.ListOrdersFilteredAsync(status, search, null, null, limit ?? 50, offset ?? 0, ct));

    private static async Task<IResult> GetOrderAsync(string orderId, ITenantStorage store, CancellationToken ct)
    {
        var order = await store.GetOrderAsync(orderId, ct);
        if (order is null)
            return NotFound("order", orderId);
        return Results.Ok(new OrderView(order, await store.ListOrderHistoryAsync(orderId, 100, ct), await store.ListFulfillmentsAsync(orderId, 100, ct)));
    }

    // ── refunds: a customer asks, an admin pays out once (the payout claim) ─────────────────────────────────────

    private static async Task<IResult> RequestRefundAsync(RefundRequest request, ITenantStorage store, TimeProvider time,
        IOptions<PayOptions> options, CancellationToken ct)
    {
        var order = await store.GetOrderAsync(request.OrderId, ct);
        if (order is null)
            return NotFound("order", request.OrderId);
        if (order.Source != "crypto" || order.UserId is null)
            return Results.Problem("only crypto orders are refunded on chain; refund card payments in Stripe.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not refundable here");
        if (!OrderStatus.CanTransition(order.Status, OrderStatus.Refunded))
            return Results.Problem($"an order in status {order.Status} cannot be refunded.", statusCode: StatusCodes.Status409Conflict,
                title: "Not refundable");
        // One refund per order: its id is derived from the order, so a repeated request finds it instead of adding one.
        var refundId = "rfd_" + order.Id;
        if (await store.GetRefundQuoteAsync(refundId, ct) is { } existing)
            return Results.Ok(existing);
        var now = time.GetUtcNow();
        var refund = new RefundQuote
        {
            Id = refundId,
            OriginalPurchaseId = order.PurchaseId,
            RecipientWallet = order.UserId,
            Amount = order.Amount,
            AmountAsset = order.AmountAsset,
            Reason = request.Reason,
            Metadata = new Dictionary<string, string> { ["order_id"] = order.Id },
            CreatedAt = now,
            ExpiresAt = now + options.Value.RefundTtl,
        };
        await store.SaveRefundQuoteAsync(refund, ct);
        return Results.Created($"/refunds/{refund.Id}", refund);
    }

    private static async Task<IResult> PayOutRefundAsync(string refundId, HttpRequest http, ITenantStorage store, IPayoutSender payouts,
        TimeProvider time, IOptions<PayOptions> options, CancellationToken ct)
    {
        if (await ConsumeNonceAsync(http, store, NoncePurposes.RefundsPayout, ct) is { } refused)
            return refused;
        var refund = await store.GetRefundQuoteAsync(refundId, ct);
        if (refund is null)
            return NotFound("refund", refundId);
        // Exactly one caller, in any server instance, gets the claim: a refund is never paid twice.
        var claim = await store.TryBeginRefundPayoutAsync(refundId, "admin", TimeSpan.FromMinutes(5), ct);
        if (claim is null)
            return Results.Problem($"refund '{refundId}' is already paid, denied, expired or being paid out.",
                statusCode: StatusCodes.Status409Conflict, title: "Refund not payable");
        string signature;
        try
        {
            signature = await payouts.SendAsync(refund, ct);
        }
        catch
        {
            await store.ReleaseRefundPayoutAsync(refundId, claim, CancellationToken.None);
            throw;
        }
        var now = time.GetUtcNow();
        var orderId = refund.Metadata.GetValueOrDefault("order_id");
        await store.InTransactionAsync(async (tx, innerCt) =>
        {
            // The money has left: record it whatever else happened to the order meanwhile.
            await tx.MarkRefundProcessedAsync(refundId, "admin", signature, innerCt);
            if (orderId is not null && await tx.GetOrderAsync(orderId, innerCt) is { } order)
            {
                var note = $"refund {refundId} paid: {signature}";
                if (OrderStatus.CanTransition(order.Status, OrderStatus.Refunded))
                    await tx.UpdateOrderStatusWithHistoryAsync(orderId, order.Status, OrderStatus.Refunded, now, note, "admin", innerCt);
                else
                    await tx.AppendOrderHistoryAsync(new OrderHistoryEntry
                    {
                        Id = NewId("hist"), OrderId = orderId, FromStatus = order.Status, ToStatus = order.Status, Note = note, Actor = "admin", CreatedAt = now,
                    }, innerCt);
            }
            await EnqueueAsync(tx, options.Value, "refund.processed", refundId, new { refundId, orderId, amount = refund.Amount, asset = refund.AmountAsset, signature }, innerCt);
        }, ct);
        return Results.Ok(await store.GetRefundQuoteAsync(refundId, ct));
    }

    // ── admin: one-time nonces ──────────────────────────────────────────────────────────────────────────────────

    private static async Task<IResult> IssueNonceAsync(NonceRequest request, HttpRequest http, ITenantStorage store, TimeProvider time,
        IOptions<PayOptions> options, CancellationToken ct)
    {
        // STUB authentication: a real server verifies the admin's signed message; a shared key keeps the sample short.
        var key = options.Value.AdminKey;
        var given = http.Headers["X-Admin-Key"].ToString();
        if (key.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key)))
            return Results.Problem("X-Admin-Key is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized, title: "Not an admin");
        if (!NoncePurposes.All.Contains(request.Purpose))
            return Invalid("purpose", $"purpose must be one of {string.Join(", ", NoncePurposes.All)}.");
        var now = time.GetUtcNow();
        var nonce = new AdminNonce
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            Purpose = request.Purpose,
            CreatedAt = now,
            ExpiresAt = now + options.Value.NonceTtl,
        };
        await store.CreateNonceAsync(nonce, ct);
        return Results.Created((string?)null, new { nonce = nonce.Id, purpose = nonce.Purpose, expiresAt = nonce.ExpiresAt });
    }

    private static async Task<IResult> PutProductAsync(string productId, ProductRequest request, HttpRequest http, ITenantStorage store,
        TimeProvider time, CancellationToken ct)
    {
        if (await ConsumeNonceAsync(http, store, NoncePurposes.ProductsWrite, ct) is { } refused)
            return refused;
        var now = time.GetUtcNow();
        var existing = await store.Products.GetProductAsync(productId, ct);
        var product = new Product
        {
            Id = productId,
            Description = request.Description,
            CryptoAmount = request.CryptoAmount,
            CryptoToken = request.CryptoToken,
            FiatAmount = request.FiatAmount,
            FiatCurrency = request.FiatCurrency,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        if (existing is null)
            await store.Products.CreateProductAsync(product, ct);
        else
            await store.Products.UpdateProductAsync(product, ct);
        return Results.Ok(await store.Products.GetProductAsync(productId, ct));
    }

    private static async Task<IResult> CreateFulfillmentAsync(string orderId, FulfillmentRequest request, HttpRequest http, ITenantStorage store,
        TimeProvider time, CancellationToken ct)
    {
        var nonce = http.Headers[NonceHeader].ToString();
        if (nonce.Length == 0)
            return NonceMissing();
        var now = time.GetUtcNow();
        var fulfillment = await store.InTransactionAsync(async (tx, innerCt) =>
        {
            // The nonce is used up together with the change it authorises, or not at all.
            await tx.ConsumeNonceAsync(nonce, NoncePurposes.FulfillmentsCreate, innerCt);
            var order = await tx.GetOrderAsync(orderId, innerCt) ?? throw new StorageNotFoundException("order", orderId);
            var created = new Fulfillment
            {
                Id = NewId("ful"),
                OrderId = orderId,
                Carrier = request.Carrier,
                Items = [.. order.Items.Select(i => new FulfillmentItem { ProductId = i.ProductId, VariantId = i.VariantId, Quantity = i.Quantity })],
                CreatedAt = now,
            };
            await tx.CreateFulfillmentAsync(created, innerCt);
            // Compare-and-set: two admins never both move the order (a later fulfillment leaves it in processing).
            if (order.Status == OrderStatus.Paid)
                await tx.UpdateOrderStatusWithHistoryAsync(orderId, OrderStatus.Paid, OrderStatus.Processing, now, $"fulfillment {created.Id} created", "admin", innerCt);
            return created;
        }, ct);
        return Results.Created($"/orders/{orderId}", fulfillment);
    }

    private static async Task<IResult> ShipAsync(string fulfillmentId, ShipRequest request, HttpRequest http, ITenantStorage store,
        TimeProvider time, IOptions<PayOptions> options, CancellationToken ct)
    {
        var nonce = http.Headers[NonceHeader].ToString();
        if (nonce.Length == 0)
            return NonceMissing();
        var now = time.GetUtcNow();
        var shipped = await store.InTransactionAsync(async (tx, innerCt) =>
        {
            await tx.ConsumeNonceAsync(nonce, NoncePurposes.FulfillmentsShip, innerCt);
            var updated = await tx.UpdateFulfillmentStatusAsync(fulfillmentId, FulfillmentStatus.Shipped, now, null, now,
                request.TrackingNumber, request.TrackingUrl, request.Carrier, innerCt) ?? throw new StorageNotFoundException("fulfillment", fulfillmentId);
            await tx.UpdateOrderStatusWithHistoryAsync(updated.OrderId, OrderStatus.Processing, OrderStatus.Fulfilled, now, "packed", "admin", innerCt);
            await tx.UpdateOrderStatusWithHistoryAsync(updated.OrderId, OrderStatus.Fulfilled, OrderStatus.Shipped, now,
                $"{request.Carrier} {request.TrackingNumber}", "admin", innerCt);
            await EnqueueAsync(tx, options.Value, "order.shipped", updated.OrderId,
                new { orderId = updated.OrderId, fulfillmentId, carrier = request.Carrier, trackingNumber = request.TrackingNumber }, innerCt);
            return updated;
        }, ct);
        return Results.Ok(shipped);
    }

    /// <summary>Consumes the request's nonce for <paramref name="purpose"/>; a refusal is a problem result (or a NonceException → ProblemDetails).</summary>
    private static async Task<IResult?> ConsumeNonceAsync(HttpRequest http, IAdminNonceStore nonces, string purpose, CancellationToken ct)
    {
        var nonce = http.Headers[NonceHeader].ToString();
        if (nonce.Length == 0)
            return NonceMissing();
        await nonces.ConsumeNonceAsync(nonce, purpose, ct);   // NonceException: 404 unknown, 409 already used, 410 expired, 400 wrong purpose
        return null;
    }

    // ── helpers ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>
    /// Enqueues an outgoing webhook through <paramref name="tx"/>: it is stored if and only if the change it reports
    /// commits. Its id is the event id, so an event enqueued twice is stored once.
    /// </summary>
    private static async Task EnqueueAsync(ITenantStorage tx, PayOptions options, string eventType, string subjectId, object data, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(options.MerchantWebhookUrl))
            return;
        var eventId = $"evt_{eventType.Replace('.', '_')}_{subjectId}";
        var payload = JsonSerializer.Serialize(new { id = eventId, type = eventType, tenant = tx.TenantId, data });
        await tx.EnqueueWebhookAsync(new PendingWebhook { Id = eventId, Url = options.MerchantWebhookUrl, Payload = payload, EventType = eventType }, ct);
    }

    private static string NewId(string prefix) => $"{prefix}_{Guid.CreateVersion7():N}";

    private static IResult NotFound(string entity, string id) =>
        Results.Problem($"{entity} '{id}' was not found.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static IResult Invalid(string field, string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request",
            extensions: new Dictionary<string, object?> { ["field"] = field });

    private static IResult NonceMissing() =>
        Results.Problem($"admin endpoints need a one-time nonce in {NonceHeader} (POST /admin/nonces).",
            statusCode: StatusCodes.Status401Unauthorized, title: "Nonce required");
}
