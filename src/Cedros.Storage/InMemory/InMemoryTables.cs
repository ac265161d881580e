using System.Collections.Immutable;

namespace Cedros.Storage.InMemory;

/// <summary>
/// Every table of the in-memory backend as immutable maps of immutable records, so a snapshot is a shallow copy and
/// a rollback is putting the snapshot back. Keys are (tenant, id) unless the contract keys a table globally.
/// </summary>
internal sealed class InMemoryTables
{
    public ImmutableDictionary<(string Tenant, string Id), CartQuote> CartQuotes = ImmutableDictionary<(string, string), CartQuote>.Empty;
    public ImmutableDictionary<(string Tenant, string Id), RefundQuote> RefundQuotes = ImmutableDictionary<(string, string), RefundQuote>.Empty;
    /// <summary>Live payout claims of refunds: token and lease end.</summary>
    public ImmutableDictionary<(string Tenant, string Id), (string Token, DateTimeOffset Until)> RefundClaims = ImmutableDictionary<(string, string), (string, DateTimeOffset)>.Empty;
    public ImmutableDictionary<(string Tenant, string Id), Order> Orders = ImmutableDictionary<(string, string), Order>.Empty;
    /// <summary>The orders' unique (tenant, source, purchase id) key → order id, as the SQL backends' unique index: a
    /// purchase is found without scanning every order. Orders are never deleted and their key never changes.</summary>
    public ImmutableDictionary<(string Tenant, string Source, string PurchaseId), string> OrdersByPurchase =
        ImmutableDictionary<(string, string, string), string>.Empty;
    public ImmutableDictionary<(string Tenant, string Id), OrderHistoryEntry> OrderHistory = ImmutableDictionary<(string, string), OrderHistoryEntry>.Empty;
    public ImmutableDictionary<(string Tenant, string Id), Fulfillment> Fulfillments = ImmutableDictionary<(string, string), Fulfillment>.Empty;
    public ImmutableDictionary<(string Tenant, string Id), InventoryReservation> Reservations = ImmutableDictionary<(string, string), InventoryReservation>.Empty;
    /// <summary>The active reservations by stock, kept in step with <see cref="Reservations"/> by every reservation write.</summary>
    public ReservationIndex ReservationsByStock = ReservationIndex.Empty;
    /// <summary>Keyed by signature alone: a signature pays once across tenants.</summary>
    public ImmutableDictionary<string, PaymentTransaction> Payments = ImmutableDictionary<string, PaymentTransaction>.Empty.WithComparers(StringComparer.Ordinal);
    public ImmutableDictionary<string, PaymentTransaction> PaymentsArchive = ImmutableDictionary<string, PaymentTransaction>.Empty.WithComparers(StringComparer.Ordinal);
    public ImmutableDictionary<(string Tenant, string Id), AdminNonce> Nonces = ImmutableDictionary<(string, string), AdminNonce>.Empty;
    /// <summary>Keyed by id alone: one queue for the deployment.</summary>
    public ImmutableDictionary<string, PendingWebhook> Webhooks = ImmutableDictionary<string, PendingWebhook>.Empty.WithComparers(StringComparer.Ordinal);
    /// <summary>The claimable webhooks in claim order, kept in step with <see cref="Webhooks"/> by every webhook write.</summary>
    public WebhookIndex WebhooksDue = WebhookIndex.Empty;
    public ImmutableDictionary<(string Tenant, string Key), IdempotencyRecord> IdempotencyKeys = ImmutableDictionary<(string, string), IdempotencyRecord>.Empty;
    public ImmutableDictionary<(string Tenant, string Id), StripeSession> StripeSessions = ImmutableDictionary<(string, string), StripeSession>.Empty;
    public ImmutableDictionary<(string Tenant, string Id), Product> Products = ImmutableDictionary<(string, string), Product>.Empty;
    /// <summary>Keyed by (tenant, upper-cased code): codes are unique per tenant, case-insensitively.</summary>
    public ImmutableDictionary<(string Tenant, string Code), Coupon> Coupons = ImmutableDictionary<(string, string), Coupon>.Empty;
    public ImmutableDictionary<(string Tenant, string Id), Subscription> Subscriptions = ImmutableDictionary<(string, string), Subscription>.Empty;

    public InMemoryTables Snapshot() => (InMemoryTables)MemberwiseClone();
}

/// <summary>An idempotency key row: either a lock held by a running request (until its lock lapses) or a cached
/// response (until it expires); either way the row is live before <see cref="Until"/>.</summary>
internal sealed record IdempotencyRecord(string Fingerprint, string? LockToken, IdempotencyResponse? Response, DateTimeOffset Until);
