using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Postgres;

/// <summary>Products of one tenant (contract §10); the shared statements are <see cref="SqlProducts{TStore}"/>.</summary>
internal sealed class PostgresProductRepository(PostgresStore store) : SqlProducts<PostgresStore>(store), IProductDriver
{
    public Task<bool> DeactivateProductAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Store.RunAsync(c => c.RowAsync("""
            WITH u AS (UPDATE [[products]] SET active = false, updated_at = @now WHERE tenant_id = @t AND id = @id AND active IS DISTINCT FROM false RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM u) OR EXISTS (SELECT 1 FROM [[products]] WHERE tenant_id = @t AND id = @id)
            """, r => r.GetBoolean(0), ("t", Store.TenantId), ("id", id), ("now", now)), cancellationToken);
}
