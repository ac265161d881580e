namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task CreateNonceAsync(AdminNonce nonce, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task ConsumeNonceAsync(string nonceId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task ConsumeNonceAsync(string nonceId, string expectedPurpose, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<long> CleanupExpiredNoncesAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
