using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task CreateNonceAsync(AdminNonce nonce, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Nonce(TenantId, nonce, Now);
        return RunAsync(tables =>
        {
            var key = Key(prepared.Id);
            if (tables.Nonces.ContainsKey(key)) throw Conflicts.AlreadyExists("admin nonce", prepared.Id);
            tables.Nonces = tables.Nonces.Add(key, prepared);
        }, cancellationToken);
    }

    public Task ConsumeNonceAsync(string nonceId, CancellationToken cancellationToken) =>
        ConsumeNonceCoreAsync(nonceId, null, cancellationToken);

    public Task ConsumeNonceAsync(string nonceId, string expectedPurpose, CancellationToken cancellationToken) =>
        ConsumeNonceCoreAsync(nonceId, Check.Required(expectedPurpose, "purpose"), cancellationToken);

    private Task ConsumeNonceCoreAsync(string nonceId, string? expectedPurpose, CancellationToken cancellationToken)
    {
        Check.Id(nonceId, "nonce id");
        return RunAsync(tables =>
        {
            var now = Now;
            var key = Key(nonceId);
            var found = tables.Nonces.TryGetValue(key, out var nonce);
            if (NonceFailure.Classify(found, nonce?.ConsumedAt is not null, found && now >= nonce!.ExpiresAt,
                    NonceFailure.PurposeMatches(nonce?.Purpose, expectedPurpose)) is { } reason)
                throw new NonceException(nonceId, reason);
            tables.Nonces = tables.Nonces.SetItem(key, nonce! with { ConsumedAt = now });
        }, cancellationToken);
    }

    public Task<long> CleanupExpiredNoncesAsync(CancellationToken cancellationToken) =>
        RunInBatchesAsync((tables, batchSize) =>
        {
            var now = Now;
            var batch = tables.Nonces.Where(p => p.Value.ExpiresAt <= now).Select(p => p.Key).Take(batchSize).ToArray();
            tables.Nonces = tables.Nonces.RemoveRange(batch);
            return batch.Length;
        }, cancellationToken);
}
