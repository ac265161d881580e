namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task CreateNonceAsync(AdminNonce nonce, CancellationToken cancellationToken = default) =>
        Call("CreateNonce", "admin_nonces", ct => Driver.CreateNonceAsync(nonce, ct), cancellationToken);

    public Task ConsumeNonceAsync(string nonceId, CancellationToken cancellationToken = default) =>
        Call("ConsumeNonce", "admin_nonces", ct => Driver.ConsumeNonceAsync(nonceId, ct), cancellationToken);

    public Task ConsumeNonceAsync(string nonceId, string expectedPurpose, CancellationToken cancellationToken = default) =>
        Call("ConsumeNonce", "admin_nonces", ct => Driver.ConsumeNonceAsync(nonceId, expectedPurpose, ct), cancellationToken);

    public Task<long> CleanupExpiredNoncesAsync(CancellationToken cancellationToken = default) =>
        Call("CleanupExpiredNonces", "admin_nonces", ct => Driver.CleanupExpiredNoncesAsync(ct), cancellationToken);
}
