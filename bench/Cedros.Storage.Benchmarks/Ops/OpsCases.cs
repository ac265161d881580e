namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>Every case of the <c>ops</c> runner, in report order; <c>--cases</c> picks by name.</summary>
public static class OpsCases
{
    public static IEnumerable<OpsCase> For(OpsBackend backend) =>
    [
        new RecordPaymentCase(backend),
        new ReplayCheckCase(backend),
        new GetCartCase(backend),
        new SaveCartCase(backend),
        new NonceCase(backend),
        new CouponUsageCase(backend),
        new StoreOrderCase(backend),
        new EnqueueWebhookCase(backend),
        new ClaimAckCase(backend),
        new ReserveStockCase(backend),
        new IdempotencyCase(backend),
    ];
}
