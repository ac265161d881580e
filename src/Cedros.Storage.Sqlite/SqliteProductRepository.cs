using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Sqlite;

/// <summary>Products of one tenant (soft delete: active = 0); the shared statements are <see cref="SqlProducts{TStore}"/>.</summary>
internal sealed class SqliteProductRepository(SqliteStore store) : SqlProducts<SqliteStore>(store), IProductDriver
{
    public Task<bool> DeactivateProductAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Store.WriteAsync(s =>
            s.Execute(Store.Sql("UPDATE [[products]] SET active = 0, updated_at = @now WHERE tenant_id = @tenant AND id = @id AND active = 1"),
                Store.Tenant, ("@id", id), ("@now", now)) == 1
            || s.Exists(Store.Sql("SELECT 1 FROM [[products]] WHERE tenant_id = @tenant AND id = @id"), Store.Tenant, ("@id", id)),
            cancellationToken);
}
