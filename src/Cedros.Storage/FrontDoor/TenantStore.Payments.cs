using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task RecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken = default) =>
        Call("RecordPayment", "payments", async ct =>
        {
            var prepared = Prepare.Payment(TenantId, transaction, Now);
            // The telemetry counts the refusal from the exception.
            if (!await Driver.InsertPaymentAsync(prepared, ct).ConfigureAwait(false)) throw new PaymentReplayException([prepared.Signature]);
        }, cancellationToken);

    public Task<bool> TryRecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken = default) =>
        Call("TryRecordPayment", "payments", async ct =>
        {
            var recorded = await Driver.InsertPaymentAsync(Prepare.Payment(TenantId, transaction, Now), ct).ConfigureAwait(false);
            if (!recorded) Refusals.Replays(1);
            return recorded;
        }, cancellationToken);

    public Task<bool> HasPaymentBeenProcessedAsync(string signature, CancellationToken cancellationToken = default) =>
        Call("HasPaymentBeenProcessed", "payments",
            async ct => await Driver.PaymentExistsAsync(Check.Id(signature, "signature"), ct).ConfigureAwait(false), cancellationToken);

    public Task<PaymentTransaction?> GetPaymentAsync(string signature, CancellationToken cancellationToken = default) =>
        Call("GetPayment", "payments",
            async ct => await Driver.FindPaymentAsync(Check.Id(signature, "signature"), ct).ConfigureAwait(false), cancellationToken);

    public Task RecordPaymentsAsync(IReadOnlyList<PaymentTransaction> transactions, CancellationToken cancellationToken = default) =>
        Call("RecordPayments", "payments", async ct =>
        {
            // A signature repeated inside the batch is Validation here, before anything is written.
            var prepared = Prepare.Payments(TenantId, transactions, Now);
            if (prepared.Length == 0) return;
            var outcome = await Driver.InsertPaymentBatchAsync(prepared, ct).ConfigureAwait(false);
            if (outcome.Inserted) return;
            if (outcome.Recorded.Count > 0) throw new PaymentReplayException(outcome.Recorded);
            throw Conflicts.PaymentArchivedElsewhere();
        }, cancellationToken);

    public Task<long> ArchiveOldPaymentsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        ArchiveOldPaymentsAsync(olderThan, null, cancellationToken);

    public Task<long> ArchiveOldPaymentsAsync(DateTimeOffset olderThan, IProgress<long>? progress, CancellationToken cancellationToken = default) =>
        Call("ArchiveOldPayments", "payments", ct =>
        {
            var cutoff = StorageTime.Micro(olderThan);
            return InBatchesAsync((size, innerCt) => Driver.ArchivePaymentBatchAsync(cutoff, Now, size, innerCt), ct, progress);
        }, cancellationToken);
}
