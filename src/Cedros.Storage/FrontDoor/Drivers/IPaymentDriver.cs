namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>The payment ledger, database side (contract §6). Payments arrive prepared (checked, normalised, tenant
/// stamped, a batch free of repeated signatures).</summary>
internal interface IPaymentDriver
{
    /// <summary>Inserts the payment unless its signature is recorded, in any tenant, in the ledger or the archive, in
    /// one atomic step; false when it was (nothing written).</summary>
    Task<bool> InsertPaymentAsync(PaymentTransaction payment, CancellationToken cancellationToken);

    /// <summary>Inserts the whole batch or nothing, in one atomic step: when a signature is already recorded (any
    /// tenant, ledger or archive) nothing is written and the outcome names them.</summary>
    Task<PaymentBatchInsert> InsertPaymentBatchAsync(IReadOnlyList<PaymentTransaction> payments, CancellationToken cancellationToken);

    /// <summary>True when the signature is recorded in any tenant, ledger or archive.</summary>
    Task<bool> PaymentExistsAsync(string signature, CancellationToken cancellationToken);

    /// <summary>This tenant's payment with the signature (ledger or archive), or null.</summary>
    Task<PaymentTransaction?> FindPaymentAsync(string signature, CancellationToken cancellationToken);

    /// <summary>Moves up to <paramref name="batchSize"/> payments (any tenant) created before <paramref name="cutoff"/>
    /// to the archive (archived at <paramref name="now"/>), or deletes them when no archive table is configured, in one
    /// atomic step; returns how many left the ledger.</summary>
    Task<int> ArchivePaymentBatchAsync(DateTimeOffset cutoff, DateTimeOffset now, int batchSize, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IPaymentDriver.InsertPaymentBatchAsync"/>: written, or refused (nothing written)
/// with the signatures already recorded, in batch order (empty when the refusal could not name them).</summary>
internal readonly record struct PaymentBatchInsert(bool Inserted, IReadOnlyList<string> Recorded)
{
    public static PaymentBatchInsert Done => new(true, []);
}
