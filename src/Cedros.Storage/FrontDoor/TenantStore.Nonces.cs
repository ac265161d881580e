using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task CreateNonceAsync(AdminNonce nonce, CancellationToken cancellationToken = default) =>
        Call("CreateNonce", "admin_nonces", async ct =>
        {
            var prepared = Prepare.Nonce(TenantId, nonce, Now);
            if (!await Driver.InsertNonceAsync(prepared, ct).ConfigureAwait(false))
                throw Conflicts.AlreadyExists("admin nonce", prepared.Id);
        }, cancellationToken);

    public Task ConsumeNonceAsync(string nonceId, CancellationToken cancellationToken = default) =>
        Call("ConsumeNonce", "admin_nonces", ct => ConsumeNonceCoreAsync(nonceId, null, ct), cancellationToken);

    public Task ConsumeNonceAsync(string nonceId, string expectedPurpose, CancellationToken cancellationToken = default) =>
        Call("ConsumeNonce", "admin_nonces",
            ct => ConsumeNonceCoreAsync(nonceId, Check.Required(expectedPurpose, "purpose"), ct), cancellationToken);

    private async Task ConsumeNonceCoreAsync(string nonceId, string? expectedPurpose, CancellationToken cancellationToken)
    {
        Check.Id(nonceId, "nonce id");
        var now = Now;
        var outcome = await Driver.ConsumeNonceAsync(nonceId, expectedPurpose, now, cancellationToken).ConfigureAwait(false);
        if (outcome.Consumed) return;
        var reason = outcome.Reason(expectedPurpose, now)
            // The row looked consumable when read: a concurrent caller held it, then consumed it or let it go.
            ?? NonceFailureReason.AlreadyConsumed;
        throw new NonceException(nonceId, reason);
    }

    public Task<long> CleanupExpiredNoncesAsync(CancellationToken cancellationToken = default) =>
        CleanupExpiredNoncesAsync(null, cancellationToken);

    public Task<long> CleanupExpiredNoncesAsync(IProgress<long>? progress, CancellationToken cancellationToken = default) =>
        Call("CleanupExpiredNonces", "admin_nonces",
            ct => InBatchesAsync((size, innerCt) => Driver.DeleteExpiredNoncesAsync(Now, size, innerCt), ct, progress), cancellationToken);
}
