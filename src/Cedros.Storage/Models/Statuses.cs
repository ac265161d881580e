namespace Cedros.Storage;

/// <summary>Lifecycle of a refund quote. Stored as lower-case text.</summary>
public enum RefundStatus
{
    /// <summary>Requested; waiting for an admin decision. Enters on save; leaves by approval, denial or payout.</summary>
    Pending,
    /// <summary>Approved by an admin; may be paid out (see <see cref="IRefundQuoteStore.TryBeginRefundPayoutAsync"/>).</summary>
    Approved,
    /// <summary>Denied by an admin; never paid out.</summary>
    Denied,
    /// <summary>Paid out on chain; immutable from then on.</summary>
    Processed,
}

/// <summary>Fulfillment states.</summary>
public enum FulfillmentStatus
{
    /// <summary>Created, not shipped.</summary>
    Pending,
    /// <summary>Handed to the carrier.</summary>
    Shipped,
    /// <summary>Received by the customer.</summary>
    Delivered,
    /// <summary>Will not ship.</summary>
    Cancelled,
}

/// <summary>Inventory reservation states.</summary>
public enum ReservationStatus
{
    /// <summary>Holds stock until <c>ExpiresAt</c>.</summary>
    Active,
    /// <summary>Given back (cart abandoned, expired or released explicitly).</summary>
    Released,
    /// <summary>Turned into a sale; never released again.</summary>
    Converted,
}

/// <summary>Stripe checkout session states.</summary>
public enum StripeSessionStatus
{
    /// <summary>Created, waiting for Stripe.</summary>
    Pending,
    /// <summary>Paid; immutable.</summary>
    Completed,
    /// <summary>Abandoned; cannot complete.</summary>
    Expired,
}

/// <summary>Subscription states.</summary>
public enum SubscriptionStatus
{
    /// <summary>Paid and current.</summary>
    Active,
    /// <summary>In a free trial.</summary>
    Trialing,
    /// <summary>A renewal payment failed; still grants access until the period ends.</summary>
    PastDue,
    /// <summary>Cancelled by the customer or an admin.</summary>
    Cancelled,
    /// <summary>Ran out without renewal.</summary>
    Expired,
}

/// <summary>Kind of coupon discount.</summary>
public enum CouponDiscountType
{
    /// <summary>A percentage off.</summary>
    Percentage,
    /// <summary>A fixed amount off.</summary>
    Fixed,
}

/// <summary>Which products a coupon applies to.</summary>
public enum CouponScope
{
    /// <summary>Every product.</summary>
    All,
    /// <summary>Only the products listed in <c>ProductIds</c>.</summary>
    Specific,
}
