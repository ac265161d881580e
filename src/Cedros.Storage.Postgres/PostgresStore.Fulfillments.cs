using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IFulfillmentDriver
{
    /// <summary>One statement: inserted only when the order exists in the tenant (checked first); then a duplicate id
    /// inserts nothing.</summary>
    private static readonly string InsertFulfillment = $"""
        WITH ins AS (
            INSERT INTO [[fulfillments]] ({FulfillmentRow.Columns})
            SELECT {FulfillmentRow.Values}
             WHERE EXISTS (SELECT 1 FROM [[orders]] WHERE tenant_id = @tenant_id AND id = @order_id)
            ON CONFLICT DO NOTHING
            RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM [[orders]] WHERE tenant_id = @tenant_id AND id = @order_id), (SELECT count(*) FROM ins)
        """;

    public Task<FulfillmentInsert> InsertFulfillmentAsync(Fulfillment f, CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            var (orderExists, inserted) = await c.RowAsync(InsertFulfillment, r => (r.GetBoolean(0), r.GetInt64(1)),
                FulfillmentRow.Args(f, TenantId, Codec)).ConfigureAwait(false);
            return !orderExists ? FulfillmentInsert.OrderMissing : inserted == 0 ? FulfillmentInsert.Duplicate : FulfillmentInsert.Inserted;
        }, cancellationToken);
}
