using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IFulfillmentDriver
{
    private static readonly string InsertFulfillment =
        $"INSERT INTO [[fulfillments]] ({FulfillmentRow.Columns}) VALUES ({FulfillmentRow.Values}) ON CONFLICT DO NOTHING";

    /// <summary>The order check and the insert run in one write transaction (the file's write lock).</summary>
    public Task<FulfillmentInsert> InsertFulfillmentAsync(Fulfillment f, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            if (!s.Exists(Sql("SELECT 1 FROM [[orders]] WHERE tenant_id = @tenant AND id = @id"), Tenant, ("@id", f.OrderId)))
                return FulfillmentInsert.OrderMissing;
            var inserted = s.Execute(Sql(InsertFulfillment), FulfillmentRow.Args(f, TenantId, Codec));
            return inserted == 0 ? FulfillmentInsert.Duplicate : FulfillmentInsert.Inserted;
        }, cancellationToken);
}
