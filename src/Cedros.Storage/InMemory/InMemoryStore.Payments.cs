using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IPaymentDriver
{
    public Task<bool> InsertPaymentAsync(PaymentTransaction payment, CancellationToken cancellationToken) =>
        RunAsync(tables => InsertPayments(tables, [payment]).Inserted, cancellationToken);

    public Task<PaymentBatchInsert> InsertPaymentBatchAsync(IReadOnlyList<PaymentTransaction> payments, CancellationToken cancellationToken) =>
        RunAsync(tables => InsertPayments(tables, payments), cancellationToken);

    public Task<bool> PaymentExistsAsync(string signature, CancellationToken cancellationToken) =>
        RunAsync(tables => IsRecorded(tables, signature), cancellationToken);

    public Task<PaymentTransaction?> FindPaymentAsync(string signature, CancellationToken cancellationToken) =>
        RunAsync(tables => (tables.Payments.GetValueOrDefault(signature) ?? tables.PaymentsArchive.GetValueOrDefault(signature)) is { } found
            && found.TenantId == TenantId ? found : null, cancellationToken);

    /// <summary>No archive table configured: the rows are deleted (the seed's "cleanup"), and their signatures with them.</summary>
    public Task<int> ArchivePaymentBatchAsync(DateTimeOffset cutoff, DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var batch = tables.Payments.Values.Where(p => p.CreatedAt < cutoff).Take(batchSize).ToArray();
            tables.Payments = tables.Payments.RemoveRange(batch.Select(p => p.Signature));
            if (engine.ArchivesPayments)
                tables.PaymentsArchive = tables.PaymentsArchive.SetItems(batch.Select(p => KeyValuePair.Create(p.Signature, p)));
            return batch.Length;
        }, cancellationToken);

    /// <summary>Inserts every payment unless a signature is recorded already (not as this tenant's own attempt): then
    /// nothing is written and those signatures are reported.</summary>
    private static PaymentBatchInsert InsertPayments(InMemoryTables tables, IReadOnlyList<PaymentTransaction> payments)
    {
        var recorded = payments.Where(p => IsRecorded(tables, p.Signature) && !IsOwnAttempt(tables, p)).Select(p => p.Signature).ToArray();
        if (recorded.Length > 0) return new PaymentBatchInsert(false, recorded);
        // Validation checked the caller's metadata map without copying it (Check.MapInPlace); a stored row gets its own.
        tables.Payments = tables.Payments.AddRange(payments.Where(p => !IsOwnAttempt(tables, p))
            .Select(p => KeyValuePair.Create(p.Signature, p with { Metadata = Check.Map(p.Metadata, "metadata") })));
        return PaymentBatchInsert.Done;
    }

    /// <summary>This tenant recorded the signature before under the same attempt id (ledger only, as the SQL backends).</summary>
    private static bool IsOwnAttempt(InMemoryTables tables, PaymentTransaction payment) =>
        payment.AttemptId is not null && tables.Payments.TryGetValue(payment.Signature, out var stored)
        && stored.AttemptId == payment.AttemptId && stored.TenantId == payment.TenantId;

    private static bool IsRecorded(InMemoryTables tables, string signature) =>
        tables.Payments.ContainsKey(signature) || tables.PaymentsArchive.ContainsKey(signature);
}
