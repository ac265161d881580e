namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task RecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<bool> TryRecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<bool> HasPaymentBeenProcessedAsync(string signature, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<PaymentTransaction?> GetPaymentAsync(string signature, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task RecordPaymentsAsync(IReadOnlyList<PaymentTransaction> transactions, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<long> ArchiveOldPaymentsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => throw new NotImplementedException();
}
