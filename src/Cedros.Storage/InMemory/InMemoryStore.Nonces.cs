using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : INonceDriver
{
    public Task<bool> InsertNonceAsync(AdminNonce nonce, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var key = Key(nonce.Id);
            if (tables.Nonces.ContainsKey(key)) return false;
            tables.Nonces = tables.Nonces.Add(key, nonce);
            return true;
        }, cancellationToken);

    public Task<NonceConsumption> ConsumeNonceAsync(string nonceId, string? expectedPurpose, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var key = Key(nonceId);
            if (!tables.Nonces.TryGetValue(key, out var nonce)) return NonceConsumption.Missing;
            if (nonce.ConsumedAt is not null || now >= nonce.ExpiresAt || (expectedPurpose is not null && nonce.Purpose != expectedPurpose))
                return new NonceConsumption(false, true, nonce.ConsumedAt is not null, nonce.ExpiresAt, nonce.Purpose);
            tables.Nonces = tables.Nonces.SetItem(key, nonce with { ConsumedAt = now });
            return NonceConsumption.Done;
        }, cancellationToken);

    public Task<int> DeleteExpiredNoncesAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var batch = tables.Nonces.Where(p => p.Value.ExpiresAt <= now).Select(p => p.Key).Take(batchSize).ToArray();
            tables.Nonces = tables.Nonces.RemoveRange(batch);
            return batch.Length;
        }, cancellationToken);
}
