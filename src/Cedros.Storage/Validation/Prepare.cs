using Cedros.Storage.Internal;

namespace Cedros.Storage.Validation;

/// <summary>
/// The one home of input rules: each method validates an entity, stamps the handle's tenant over it and truncates its
/// instants to microseconds, returning the copy a backend stores. Every backend calls these before writing, so a
/// rejected call writes nothing and all backends reject the same inputs.
/// </summary>
internal static class Prepare
{
    /// <summary>Validates and normalises a cart quote (an unset created_at defaults to <paramref name="now"/>).</summary>
    public static CartQuote CartQuote(string tenantId, CartQuote? quote, DateTimeOffset now, int? item = null)
    {
        if (quote is null) throw new StorageValidationException("quote is required.", "quote", item);
        Check.Id(quote.Id, "cart id", item);
        var items = (quote.Items ?? []).Select((line, i) => line is null
            ? throw new StorageValidationException($"items[{i}] is null.", "items", item)
            : line with
            {
                ResourceId = Check.Id(line.ResourceId, $"items[{i}].resource_id", item),
                Quantity = Check.Quantity(line.Quantity, $"items[{i}].quantity", item),
                Price = Check.Amount(line.Price, $"items[{i}].price", item),
                Asset = Check.Text(line.Asset ?? "", $"items[{i}].asset", item)!,
                Metadata = Check.Map(line.Metadata, $"items[{i}].metadata", item),
            }).ToArray().AsReadOnly();
        Check.DocumentSize(items, JsonSizeBound.CartItem, "items", item);
        return quote with
        {
            TenantId = tenantId,
            Items = items,
            TotalAmount = Check.Amount(quote.TotalAmount, "total_amount", item),
            TotalAsset = Check.Text(quote.TotalAsset ?? "", "total_asset", item)!,
            Metadata = Check.Map(quote.Metadata, "metadata", item),
            CreatedAt = OrNow(quote.CreatedAt, now),
            ExpiresAt = StorageTime.Micro(quote.ExpiresAt),
            WalletPaidBy = quote.WalletPaidBy is { Length: 0 } ? null : Check.Text(quote.WalletPaidBy, "wallet_paid_by", item),
        };
    }

    /// <summary>Validates and normalises a refund quote (an unset created_at defaults to <paramref name="now"/>).</summary>
    public static RefundQuote RefundQuote(string tenantId, RefundQuote? quote, DateTimeOffset now, int? item = null)
    {
        if (quote is null) throw new StorageValidationException("quote is required.", "quote", item);
        Check.Id(quote.Id, "refund id", item);
        return quote with
        {
            TenantId = tenantId,
            OriginalPurchaseId = Check.Id(quote.OriginalPurchaseId, "original_purchase_id", item),
            RecipientWallet = Check.Required(quote.RecipientWallet, "recipient_wallet", item),
            Amount = Check.Amount(quote.Amount, "amount", item),
            AmountAsset = Check.Text(quote.AmountAsset ?? "", "amount_asset", item)!,
            Token = Check.Text(quote.Token, "token", item),
            TokenMint = Check.Text(quote.TokenMint, "token_mint", item),
            TokenDecimals = quote.TokenDecimals >= 0 ? quote.TokenDecimals : throw new StorageValidationException("token_decimals must not be negative.", "token_decimals", item),
            Status = Check.Defined(quote.Status, "status", item),
            ProcessedBy = Check.Text(quote.ProcessedBy, "processed_by", item),
            ProcessedAt = StorageTime.Micro(quote.ProcessedAt),
            Signature = Check.Text(quote.Signature, "signature", item),
            Reason = Check.Text(quote.Reason, "reason", item),
            Metadata = Check.Map(quote.Metadata, "metadata", item),
            CreatedAt = OrNow(quote.CreatedAt, now),
            ExpiresAt = StorageTime.Micro(quote.ExpiresAt),
        };
    }

    /// <summary>Validates and normalises an order (an unset created_at defaults to <paramref name="now"/>; the
    /// nullable update times stay null when not given: "never updated").</summary>
    public static Order Order(string tenantId, Order? order, DateTimeOffset now)
    {
        if (order is null) throw new StorageValidationException("order is required.", "order");
        Check.Id(order.Id, "order id");
        var items = (order.Items ?? []).Select((line, i) => line is null
            ? throw new StorageValidationException($"items[{i}] is null.", "items")
            : line with
            {
                ProductId = Check.Id(line.ProductId, $"items[{i}].product_id"),
                VariantId = line.VariantId is null ? null : Check.Id(line.VariantId, $"items[{i}].variant_id"),
                Quantity = Check.Quantity(line.Quantity, $"items[{i}].quantity"),
                Name = Check.Text(line.Name, $"items[{i}].name"),
                UnitPrice = Check.Amount(line.UnitPrice, $"items[{i}].unit_price"),
                Asset = Check.Text(line.Asset, $"items[{i}].asset"),
                Metadata = Check.Map(line.Metadata, $"items[{i}].metadata"),
            }).ToArray().AsReadOnly();
        Check.DocumentSize(items, JsonSizeBound.OrderItem, "items");
        return order with
        {
            TenantId = tenantId,
            Source = Check.Required(order.Source, "source"),
            PurchaseId = Check.Id(order.PurchaseId, "purchase_id"),
            ResourceId = Check.Id(order.ResourceId, "resource_id"),
            UserId = Check.Text(order.UserId, "user_id"),
            Customer = Check.Text(order.Customer, "customer"),
            Status = Check.Defined(order.Status, "status"),
            Items = items,
            Amount = Check.Amount(order.Amount, "amount"),
            AmountAsset = Check.Required(order.AmountAsset, "amount_asset"),
            CustomerEmail = Check.Text(order.CustomerEmail, "customer_email"),
            Shipping = order.Shipping is null ? null : Check.Map(order.Shipping, "shipping"),
            Metadata = Check.Map(order.Metadata, "metadata"),
            CreatedAt = OrNow(order.CreatedAt, now),
            UpdatedAt = StorageTime.Micro(order.UpdatedAt),
            StatusUpdatedAt = StorageTime.Micro(order.StatusUpdatedAt),
        };
    }

    /// <summary>Validates and normalises an order history entry (an unset created_at defaults to <paramref name="now"/>).</summary>
    public static OrderHistoryEntry HistoryEntry(string tenantId, OrderHistoryEntry? entry, DateTimeOffset now)
    {
        if (entry is null) throw new StorageValidationException("entry is required.", "entry");
        return entry with
        {
            Id = Check.Id(entry.Id, "history id"),
            TenantId = tenantId,
            OrderId = Check.Id(entry.OrderId, "order_id"),
            FromStatus = Check.Defined(entry.FromStatus, "from_status"),
            ToStatus = Check.Defined(entry.ToStatus, "to_status"),
            Note = Check.Text(entry.Note, "note"),
            Actor = Check.Text(entry.Actor, "actor"),
            CreatedAt = OrNow(entry.CreatedAt, now),
        };
    }

    /// <summary>Validates and normalises a fulfillment (an unset created_at defaults to <paramref name="now"/>).</summary>
    public static Fulfillment Fulfillment(string tenantId, Fulfillment? fulfillment, DateTimeOffset now)
    {
        if (fulfillment is null) throw new StorageValidationException("fulfillment is required.", "fulfillment");
        var items = (fulfillment.Items ?? []).Select((line, i) => line is null
            ? throw new StorageValidationException($"items[{i}] is null.", "items")
            : line with
            {
                ProductId = Check.Id(line.ProductId, $"items[{i}].product_id"),
                VariantId = line.VariantId is null ? null : Check.Id(line.VariantId, $"items[{i}].variant_id"),
                Quantity = Check.Quantity(line.Quantity, $"items[{i}].quantity"),
            }).ToArray().AsReadOnly();
        Check.DocumentSize(items, JsonSizeBound.FulfillmentItem, "items");
        return fulfillment with
        {
            Id = Check.Id(fulfillment.Id, "fulfillment id"),
            TenantId = tenantId,
            OrderId = Check.Id(fulfillment.OrderId, "order_id"),
            Status = Check.Defined(fulfillment.Status, "status"),
            Carrier = Check.Text(fulfillment.Carrier, "carrier"),
            TrackingNumber = Check.Text(fulfillment.TrackingNumber, "tracking_number"),
            TrackingUrl = Check.Text(fulfillment.TrackingUrl, "tracking_url"),
            Items = items,
            ShippedAt = StorageTime.Micro(fulfillment.ShippedAt),
            DeliveredAt = StorageTime.Micro(fulfillment.DeliveredAt),
            Metadata = Check.Map(fulfillment.Metadata, "metadata"),
            CreatedAt = OrNow(fulfillment.CreatedAt, now),
            UpdatedAt = StorageTime.Micro(fulfillment.UpdatedAt),
        };
    }

    /// <summary>Validates and normalises a new reservation (status forced to active; expiry must be after now).</summary>
    public static InventoryReservation Reservation(string tenantId, InventoryReservation? reservation, DateTimeOffset now, int? item = null)
    {
        if (reservation is null) throw new StorageValidationException("reservation is required.", "reservation", item);
        var expiresAt = StorageTime.Micro(reservation.ExpiresAt);
        if (expiresAt <= now) throw new StorageValidationException("expires_at must be in the future.", "expires_at", item);
        return reservation with
        {
            Id = Check.Id(reservation.Id, "reservation id", item),
            TenantId = tenantId,
            ProductId = Check.Id(reservation.ProductId, "product_id", item),
            VariantId = reservation.VariantId is null ? null : Check.Id(reservation.VariantId, "variant_id", item),
            Quantity = Check.Quantity(reservation.Quantity, "quantity", item),
            ExpiresAt = expiresAt,
            CartId = reservation.CartId is null ? null : Check.Id(reservation.CartId, "cart_id", item),
            Status = ReservationStatus.Active,
            CreatedAt = reservation.CreatedAt == default ? now : StorageTime.Micro(reservation.CreatedAt),
            StatusUpdatedAt = null,
        };
    }

    /// <summary>Validates and normalises a payment (created_at defaults to now).</summary>
    public static PaymentTransaction Payment(string tenantId, PaymentTransaction? tx, DateTimeOffset now, int? item = null)
    {
        if (tx is null) throw new StorageValidationException("transaction is required.", "transaction", item);
        return tx with
        {
            Signature = Check.Id(tx.Signature, "signature", item),
            TenantId = tenantId,
            ResourceId = Check.Id(tx.ResourceId, "resource_id", item),
            Wallet = Check.Text(tx.Wallet ?? "", "wallet", item)!,
            Amount = Check.Amount(tx.Amount, "amount", item),
            AmountAsset = Check.Text(tx.AmountAsset ?? "", "amount_asset", item)!,
            CreatedAt = tx.CreatedAt == default ? now : StorageTime.Micro(tx.CreatedAt),
            Metadata = Check.MapInPlace(tx.Metadata, "metadata", item),
            AttemptId = tx.AttemptId is null ? null : Check.Id(tx.AttemptId, "attempt_id", item),
        };
    }

    /// <summary>
    /// Validates and normalises a batch of payments (created_at defaults to now). A signature repeated inside the batch
    /// is the caller's bug, not a replay: Validation naming the repeat (its item index), before anything is written.
    /// </summary>
    public static PaymentTransaction[] Payments(string tenantId, IReadOnlyList<PaymentTransaction>? transactions, DateTimeOffset now)
    {
        Check.Batch(transactions, "transactions");
        var prepared = new PaymentTransaction[transactions!.Count];
        for (var i = 0; i < prepared.Length; i++) prepared[i] = Payment(tenantId, transactions[i], now, i);
        Check.Distinct(prepared, t => t.Signature, "signature");
        return prepared;
    }

    /// <summary>Validates and normalises a nonce (expiry after creation; never created consumed).</summary>
    public static AdminNonce Nonce(string tenantId, AdminNonce? nonce, DateTimeOffset now)
    {
        if (nonce is null) throw new StorageValidationException("nonce is required.", "nonce");
        var createdAt = nonce.CreatedAt == default ? now : StorageTime.Micro(nonce.CreatedAt);
        var expiresAt = StorageTime.Micro(nonce.ExpiresAt);
        if (expiresAt <= createdAt) throw new StorageValidationException("expires_at must be after created_at.", "expires_at");
        return nonce with
        {
            Id = Check.Id(nonce.Id, "nonce id"),
            TenantId = tenantId,
            Purpose = Check.Required(nonce.Purpose, "purpose"),
            CreatedAt = createdAt,
            ExpiresAt = expiresAt,
            ConsumedAt = null,
        };
    }

    /// <summary>Validates a webhook and fills the enqueue defaults (id, pending, attempts 0, times = now).</summary>
    public static PendingWebhook Webhook(string tenantId, PendingWebhook? webhook, DateTimeOffset now, TimeProvider time)
    {
        if (webhook is null) throw new StorageValidationException("webhook is required.", "webhook");
        var id = string.IsNullOrEmpty(webhook.Id) ? Ids.NewSortableId(time) : Check.Id(webhook.Id, "webhook id");
        Check.Json(webhook.Payload, "payload");
        if (webhook.MaxAttempts < 1) throw new StorageValidationException("max_attempts must be at least 1.", "max_attempts");
        return webhook with
        {
            Id = id,
            TenantId = tenantId,
            Url = Check.Required(webhook.Url, "url"),
            Headers = Check.Map(webhook.Headers, "headers"),
            EventType = Check.Text(webhook.EventType ?? "", "event_type")!,
            Status = WebhookStatus.Pending,
            Attempts = 0,
            LastError = null,
            LastAttemptAt = null,
            NextAttemptAt = webhook.NextAttemptAt is { } next ? StorageTime.Micro(next) : now,
            CreatedAt = webhook.CreatedAt is { } created ? StorageTime.Micro(created) : now,
            CompletedAt = null,
            LockedUntil = null,
            ClaimToken = null,
        };
    }

    /// <summary>Validates an idempotency response (body ≤ 1 MiB) and stamps CachedAt = now when unset.</summary>
    public static IdempotencyResponse IdempotencyResponse(IdempotencyResponse? response, DateTimeOffset now)
    {
        if (response is null) throw new StorageValidationException("response is required.", "response");
        var body = response.Body ?? [];
        if (body.Length > Limits.MaxDocumentBytes) throw new StorageValidationException("response body is larger than 1 MiB.", "body");
        return response with
        {
            Headers = Check.Map(response.Headers, "headers"),
            Body = body.ToArray(),
            CachedAt = response.CachedAt == default ? now : StorageTime.Micro(response.CachedAt),
        };
    }

    /// <summary>Validates and normalises a Stripe session.</summary>
    public static StripeSession StripeSession(string tenantId, StripeSession? session, DateTimeOffset now)
    {
        if (session is null) throw new StorageValidationException("session is required.", "session");
        return session with
        {
            Id = Check.Id(session.Id, "session id"),
            TenantId = tenantId,
            ResourceId = Check.Id(session.ResourceId, "resource_id"),
            Status = Check.Defined(session.Status, "status"),
            AmountCents = Check.Amount(session.AmountCents, "amount_cents"),
            Currency = Check.Text(session.Currency ?? "", "currency")!,
            CustomerEmail = Check.Text(session.CustomerEmail, "customer_email"),
            Metadata = Check.Map(session.Metadata, "metadata"),
            CreatedAt = session.CreatedAt == default ? now : StorageTime.Micro(session.CreatedAt),
            CompletedAt = StorageTime.Micro(session.CompletedAt),
        };
    }

    /// <summary>Validates and normalises a product (times default to now).</summary>
    public static Product Product(string tenantId, Product? product, DateTimeOffset now)
    {
        if (product is null) throw new StorageValidationException("product is required.", "product");
        if (product.SubscriptionConfig is { } config)
        {
            if (config.BillingInterval < 1 || config.TrialDays < 0)
                throw new StorageValidationException("subscription_config needs billing_interval ≥ 1 and trial_days ≥ 0.", "subscription_config");
            Check.Required(config.BillingPeriod, "subscription_config.billing_period");
        }
        return product with
        {
            Id = Check.Id(product.Id, "product id"),
            TenantId = tenantId,
            Description = Check.Text(product.Description ?? "", "description")!,
            FiatAmount = product.FiatAmount is { } fiat ? Check.Amount(fiat, "fiat_amount") : null,
            FiatCurrency = Check.Text(product.FiatCurrency, "fiat_currency"),
            StripePriceId = Check.Text(product.StripePriceId, "stripe_price_id"),
            CryptoAmount = product.CryptoAmount is { } crypto ? Check.Amount(crypto, "crypto_amount") : null,
            CryptoToken = Check.Text(product.CryptoToken, "crypto_token"),
            CryptoAccount = Check.Text(product.CryptoAccount, "crypto_account"),
            MemoTemplate = Check.Text(product.MemoTemplate, "memo_template"),
            Metadata = Check.Map(product.Metadata, "metadata"),
            CreatedAt = product.CreatedAt == default ? now : StorageTime.Micro(product.CreatedAt),
            UpdatedAt = product.UpdatedAt == default ? now : StorageTime.Micro(product.UpdatedAt),
        };
    }

    /// <summary>Validates and normalises a coupon (times default to now).</summary>
    public static Coupon Coupon(string tenantId, Coupon? coupon, DateTimeOffset now)
    {
        if (coupon is null) throw new StorageValidationException("coupon is required.", "coupon");
        if (double.IsNaN(coupon.DiscountValue) || double.IsInfinity(coupon.DiscountValue) || coupon.DiscountValue < 0)
            throw new StorageValidationException("discount_value must be a finite, non-negative number.", "discount_value");
        if (coupon.UsageLimit is < 0) throw new StorageValidationException("usage_limit must not be negative.", "usage_limit");
        if (coupon.UsageCount < 0) throw new StorageValidationException("usage_count must not be negative.", "usage_count");
        var productIds = (coupon.ProductIds ?? []).Select((p, i) => Check.Id(p, $"product_ids[{i}]")).ToArray().AsReadOnly();
        return coupon with
        {
            Code = Check.CouponCode(coupon.Code),
            TenantId = tenantId,
            DiscountType = Check.Defined(coupon.DiscountType, "discount_type"),
            Currency = Check.Text(coupon.Currency, "currency"),
            Scope = Check.Defined(coupon.Scope, "scope"),
            ProductIds = productIds,
            PaymentMethod = Check.Text(coupon.PaymentMethod ?? "", "payment_method")!,
            AppliesAt = Check.Text(coupon.AppliesAt, "applies_at"),
            StartsAt = StorageTime.Micro(coupon.StartsAt),
            ExpiresAt = StorageTime.Micro(coupon.ExpiresAt),
            Metadata = Check.Map(coupon.Metadata, "metadata"),
            CreatedAt = coupon.CreatedAt == default ? now : StorageTime.Micro(coupon.CreatedAt),
            UpdatedAt = coupon.UpdatedAt == default ? now : StorageTime.Micro(coupon.UpdatedAt),
        };
    }

    /// <summary>Validates and normalises a subscription (times default to now; period end after start).</summary>
    public static Subscription Subscription(string tenantId, Subscription? subscription, DateTimeOffset now)
    {
        if (subscription is null) throw new StorageValidationException("subscription is required.", "subscription");
        var start = StorageTime.Micro(subscription.CurrentPeriodStart);
        var end = StorageTime.Micro(subscription.CurrentPeriodEnd);
        if (end <= start) throw new StorageValidationException("current_period_end must be after current_period_start.", "current_period_end");
        if (subscription.BillingInterval < 1) throw new StorageValidationException("billing_interval must be at least 1.", "billing_interval");
        return subscription with
        {
            Id = Check.Id(subscription.Id, "subscription id"),
            TenantId = tenantId,
            ProductId = Check.Id(subscription.ProductId, "product_id"),
            Wallet = Check.Text(subscription.Wallet, "wallet"),
            StripeCustomerId = Check.Text(subscription.StripeCustomerId, "stripe_customer_id"),
            StripeSubscriptionId = subscription.StripeSubscriptionId is { Length: 0 } ? null : Check.Text(subscription.StripeSubscriptionId, "stripe_subscription_id"),
            PaymentMethod = Check.Text(subscription.PaymentMethod ?? "", "payment_method")!,
            BillingPeriod = Check.Required(subscription.BillingPeriod, "billing_period"),
            Status = Check.Defined(subscription.Status, "status"),
            CurrentPeriodStart = start,
            CurrentPeriodEnd = end,
            TrialEnd = StorageTime.Micro(subscription.TrialEnd),
            CancelledAt = StorageTime.Micro(subscription.CancelledAt),
            Metadata = Check.Map(subscription.Metadata, "metadata"),
            CreatedAt = subscription.CreatedAt == default ? now : StorageTime.Micro(subscription.CreatedAt),
            UpdatedAt = subscription.UpdatedAt == default ? now : StorageTime.Micro(subscription.UpdatedAt),
        };
    }

    /// <summary><paramref name="value"/> truncated to microseconds, or <paramref name="now"/> when it is unset
    /// (<c>default</c>): every creation time the caller leaves unset means "now", on every entity.</summary>
    private static DateTimeOffset OrNow(DateTimeOffset value, DateTimeOffset now) =>
        value == default ? StorageTime.Micro(now) : StorageTime.Micro(value);
}
