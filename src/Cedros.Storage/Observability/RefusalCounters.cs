using System.Diagnostics.Metrics;

namespace Cedros.Storage.Observability;

/// <summary>
/// Counters of the refusals that matter to operators: payment replays, nonce refusals by reason, coupon limits, stock
/// refusals, webhook claims and lease takeovers. The front door counts them from the outcome of each call.
/// </summary>
internal sealed class RefusalCounters
{
    private readonly KeyValuePair<string, object?> _system;
    private readonly Counter<long> _replays;
    private readonly Counter<long> _nonces;
    private readonly Counter<long> _couponLimits;
    private readonly Counter<long> _stock;
    private readonly Counter<long> _claims;
    private readonly Counter<long> _takeovers;

    public RefusalCounters(Meter meter, string system)
    {
        _system = new("db.system.name", system);
        _replays = meter.CreateCounter<long>("cedros.storage.payment.replays", "{signature}",
            "Payment signatures refused because they were already recorded.");
        _nonces = meter.CreateCounter<long>("cedros.storage.nonce.refusals", "{nonce}",
            "Admin nonces refused, by reason (not_found, already_consumed, expired, wrong_purpose).");
        _couponLimits = meter.CreateCounter<long>("cedros.storage.coupon.limit_reached", "{refusal}",
            "Coupon usage increments refused because the usage limit was reached.");
        _stock = meter.CreateCounter<long>("cedros.storage.inventory.refusals", "{refusal}",
            "Stock reservations refused because too little stock was left.");
        _claims = meter.CreateCounter<long>("cedros.storage.webhook.claims", "{webhook}",
            "Webhooks claimed by a dequeue or a processing mark.");
        _takeovers = meter.CreateCounter<long>("cedros.storage.webhook.lease_takeovers", "{webhook}",
            "Webhooks claimed while another claim's lease had lapsed, or acknowledged after losing the lease.");
    }

    /// <summary>True when any counter has a listener.</summary>
    public bool Enabled => _replays.Enabled || _nonces.Enabled || _couponLimits.Enabled || _stock.Enabled || _claims.Enabled
        || _takeovers.Enabled;

    /// <summary>Counts a refusal carried by <paramref name="failure"/>, if it is one.</summary>
    public void Observe(string operation, Exception failure)
    {
        switch (failure)
        {
            case PaymentReplayException replay:
                Replays(replay.Signatures.Count);
                break;
            case NonceException nonce:
                _nonces.Add(1, _system, new("reason", ReasonTag(nonce.Reason)));
                break;
            case StorageLimitReachedException when operation == "IncrementUsage":
                _couponLimits.Add(1, _system);
                break;
            case StorageLimitReachedException when operation == "ReserveInventory":
                _stock.Add(1, _system);
                break;
        }
    }

    public void Replays(long signatures) => _replays.Add(signatures, _system);

    public void Claims(long webhooks)
    {
        if (webhooks > 0) _claims.Add(webhooks, _system);
    }

    public void Takeovers(long webhooks)
    {
        if (webhooks > 0) _takeovers.Add(webhooks, _system);
    }

    private static string ReasonTag(NonceFailureReason reason) => reason switch
    {
        NonceFailureReason.NotFound => "not_found",
        NonceFailureReason.AlreadyConsumed => "already_consumed",
        NonceFailureReason.Expired => "expired",
        _ => "wrong_purpose",
    };
}
