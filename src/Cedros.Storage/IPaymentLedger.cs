namespace Cedros.Storage;

/// <summary>The payment ledger: replay protection (contract §6).</summary>
public interface IPaymentLedger
{
    /// <summary>Records a payment. A signature already recorded, in any tenant (archived included) →
    /// <see cref="PaymentReplayException"/>, nothing changed. Exactly one concurrent caller wins. A retry carrying the
    /// <see cref="PaymentTransaction.AttemptId"/> under which this tenant already recorded the signature succeeds without
    /// writing a second row (the caller's own earlier attempt, e.g. after a connection lost during commit).</summary>
    Task RecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>The non-throwing twin of <see cref="RecordPaymentAsync"/>: false on replay.</summary>
    Task<bool> TryRecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>True when the signature was recorded in any tenant, archived included.</summary>
    Task<bool> HasPaymentBeenProcessedAsync(string signature, CancellationToken cancellationToken = default);

    /// <summary>This tenant's payment, or null.</summary>
    Task<PaymentTransaction?> GetPaymentAsync(string signature, CancellationToken cancellationToken = default);

    /// <summary>Atomic batch: any already recorded signature (other than this tenant's own earlier attempt, same
    /// <see cref="PaymentTransaction.AttemptId"/>) → nothing written, <see cref="PaymentReplayException"/> lists them;
    /// a signature repeated inside the batch → Validation naming the repeat, nothing written.</summary>
    Task RecordPaymentsAsync(IReadOnlyList<PaymentTransaction> transactions, CancellationToken cancellationToken = default);

    /// <summary>Moves (or deletes, when no archive table is set) rows older than the cutoff, across tenants, in bounded
    /// batches until done. Returns the total.</summary>
    Task<long> ArchiveOldPaymentsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);

    /// <summary>As the overload without progress; <paramref name="progress"/> receives the running total of rows after
    /// every batch (<c>storage.housekeeping_batch_size</c>) that changed some.</summary>
    Task<long> ArchiveOldPaymentsAsync(DateTimeOffset olderThan, IProgress<long>? progress, CancellationToken cancellationToken = default);
}
