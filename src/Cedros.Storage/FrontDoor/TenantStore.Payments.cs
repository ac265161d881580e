namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task RecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken = default) =>
        Call("RecordPayment", "payments", ct => Driver.RecordPaymentAsync(transaction, ct), cancellationToken);

    public Task<bool> TryRecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken = default) =>
        Call("TryRecordPayment", "payments", async ct =>
        {
            var recorded = await Driver.TryRecordPaymentAsync(transaction, ct).ConfigureAwait(false);
            if (!recorded) Refusals.Replays(1);
            return recorded;
        }, cancellationToken);

    public Task<bool> HasPaymentBeenProcessedAsync(string signature, CancellationToken cancellationToken = default) =>
        Call("HasPaymentBeenProcessed", "payments", ct => Driver.HasPaymentBeenProcessedAsync(signature, ct), cancellationToken);

    public Task<PaymentTransaction?> GetPaymentAsync(string signature, CancellationToken cancellationToken = default) =>
        Call("GetPayment", "payments", ct => Driver.GetPaymentAsync(signature, ct), cancellationToken);

    public Task RecordPaymentsAsync(IReadOnlyList<PaymentTransaction> transactions, CancellationToken cancellationToken = default) =>
        Call("RecordPayments", "payments", ct => Driver.RecordPaymentsAsync(transactions, ct), cancellationToken);

    public Task<long> ArchiveOldPaymentsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        Call("ArchiveOldPayments", "payments", ct => Driver.ArchiveOldPaymentsAsync(olderThan, ct), cancellationToken);
}
