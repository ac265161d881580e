namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>Every case of the <c>ops</c> runner, in report order.</summary>
public static class OpsCases
{
    public static IEnumerable<OpsCase> For(OpsBackend backend) =>
    [
        new RecordPaymentCase(backend),
        new ReplayCheckCase(backend),
    ];
}
