using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task RecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken)
    {
        var tx = Prepare.Payment(TenantId, transaction, Now);
        return RunAsync(tables =>
        {
            if (IsRecorded(tables, tx.Signature)) throw new PaymentReplayException([tx.Signature]);
            tables.Payments = tables.Payments.Add(tx.Signature, tx);
        }, cancellationToken);
    }

    public Task<bool> TryRecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken)
    {
        var tx = Prepare.Payment(TenantId, transaction, Now);
        return RunAsync(tables =>
        {
            if (IsRecorded(tables, tx.Signature)) return false;
            tables.Payments = tables.Payments.Add(tx.Signature, tx);
            return true;
        }, cancellationToken);
    }

    public Task<bool> HasPaymentBeenProcessedAsync(string signature, CancellationToken cancellationToken)
    {
        Check.Id(signature, "signature");
        return RunAsync(tables => IsRecorded(tables, signature), cancellationToken);
    }

    public Task<PaymentTransaction?> GetPaymentAsync(string signature, CancellationToken cancellationToken)
    {
        Check.Id(signature, "signature");
        return RunAsync(tables =>
        {
            var found = tables.Payments.GetValueOrDefault(signature) ?? tables.PaymentsArchive.GetValueOrDefault(signature);
            return found is not null && found.TenantId == TenantId ? found : null;
        }, cancellationToken);
    }

    public Task RecordPaymentsAsync(IReadOnlyList<PaymentTransaction> transactions, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Payments(TenantId, transactions, Now);
        return RunAsync(tables =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var offending = new List<string>();
            foreach (var tx in prepared)
            {
                var repeated = !seen.Add(tx.Signature);
                if ((repeated || IsRecorded(tables, tx.Signature)) && !offending.Contains(tx.Signature, StringComparer.Ordinal))
                    offending.Add(tx.Signature);
            }
            if (offending.Count > 0) throw new PaymentReplayException(offending);
            tables.Payments = tables.Payments.AddRange(prepared.Select(tx => KeyValuePair.Create(tx.Signature, tx)));
        }, cancellationToken);
    }

    public Task<long> ArchiveOldPaymentsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(olderThan);
        // No archive table configured: the rows are deleted (the seed's "cleanup"), and their signatures with them.
        var archive = Engine.Options.ResolveTables().PaymentsArchive is not null;
        return RunInBatchesAsync((tables, batchSize) =>
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
