using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IPaymentDriver
{
    public Task<bool> InsertPaymentAsync(PaymentTransaction payment, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            if (IsRecorded(tables, payment.Signature)) return false;
            tables.Payments = tables.Payments.Add(payment.Signature, payment);
            return true;
        }, cancellationToken);

    public Task<PaymentBatchInsert> InsertPaymentBatchAsync(IReadOnlyList<PaymentTransaction> payments, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var recorded = payments.Select(p => p.Signature).Where(s => IsRecorded(tables, s)).ToArray();
            if (recorded.Length > 0) return new PaymentBatchInsert(false, recorded);
            tables.Payments = tables.Payments.AddRange(payments.Select(p => KeyValuePair.Create(p.Signature, p)));
            return PaymentBatchInsert.Done;
        }, cancellationToken);

    public Task<bool> PaymentExistsAsync(string signature, CancellationToken cancellationToken) =>
        RunAsync(tables => IsRecorded(tables, signature), cancellationToken);

    public Task<PaymentTransaction?> FindPaymentAsync(string signature, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var found = tables.Payments.GetValueOrDefault(signature) ?? tables.PaymentsArchive.GetValueOrDefault(signature);
            return found is not null && found.TenantId == TenantId ? found : null;
        }, cancellationToken);

    public Task<int> ArchivePaymentBatchAsync(DateTimeOffset cutoff, DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        // No archive table configured: the rows are deleted (the seed's "cleanup"), and their signatures with them.
        var archive = Engine.Options.ResolveTables().PaymentsArchive is not null;
        return RunAsync(tables =>
        {
            var batch = tables.Payments.Values.Where(p => p.CreatedAt < cutoff).Take(batchSize).ToArray();
            tables.Payments = tables.Payments.RemoveRange(batch.Select(p => p.Signature));
            if (archive)
                tables.PaymentsArchive = tables.PaymentsArchive.SetItems(batch.Select(p => KeyValuePair.Create(p.Signature, p)));
            return batch.Length;
        }, cancellationToken);
    }

    private static bool IsRecorded(InMemoryTables tables, string signature) =>
        tables.Payments.ContainsKey(signature) || tables.PaymentsArchive.ContainsKey(signature);
}
