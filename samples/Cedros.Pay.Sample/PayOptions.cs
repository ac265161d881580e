namespace Cedros.Pay.Sample;

/// <summary>The sample's own settings (section <c>pay</c>); the storage reads section <c>storage</c>.</summary>
public sealed class PayOptions
{
    /// <summary>Issues admin nonces (<c>X-Admin-Key</c> on <c>POST /admin/nonces</c>). A real server authenticates the admin's wallet signature instead.</summary>
    public string AdminKey { get; set; } = "";

    /// <summary>Stripe's webhook signing secret (<c>Stripe-Signature</c> is checked against it).</summary>
    public string StripeWebhookSecret { get; set; } = "";

    /// <summary>Where outgoing webhooks (order.paid, order.shipped, refund.processed) are sent.</summary>
    public string MerchantWebhookUrl { get; set; } = "";

    /// <summary>The secret outgoing webhooks are signed with (Standard Webhooks <c>webhook-signature</c>), read by the dispatcher.</summary>
    public string MerchantWebhookSecret { get; set; } = "";

    /// <summary>The wallet crypto payments must pay.</summary>
    public string MerchantWallet { get; set; } = "";

    /// <summary>How long a cart quote can be paid.</summary>
    public TimeSpan QuoteTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an admin nonce stays usable.</summary>
    public TimeSpan NonceTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a refund quote stays payable.</summary>
    public TimeSpan RefundTtl { get; set; } = TimeSpan.FromDays(1);
}
