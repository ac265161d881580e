using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : INonceDriver
{
    public Task<bool> InsertNonceAsync(AdminNonce nonce, CancellationToken cancellationToken) =>
        RunAsync(tables => Table.TryAdd(ref tables.Nonces, Key(nonce.Id), nonce), cancellationToken);

    public Task<NonceConsumption> ConsumeNonceAsync(string nonceId, string? expectedPurpose, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(tables => Table.ChangeIf(ref tables.Nonces, Key(nonceId),
            n => n.ConsumedAt is null && now < n.ExpiresAt && (expectedPurpose is null || n.Purpose == expectedPurpose), n => n with { ConsumedAt = now },
            NonceConsumption.Missing, n => new NonceConsumption(false, true, n.ConsumedAt is not null, n.ExpiresAt, n.Purpose), _ => NonceConsumption.Done),
            cancellationToken);

    public Task<int> DeleteExpiredNoncesAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(tables => Table.RemoveWhere(ref tables.Nonces, n => n.ExpiresAt <= now, batchSize), cancellationToken);
}
