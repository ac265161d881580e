using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// The table of distinct resource ids that counts a term's matches by resource (migration 0006) follows every write
/// to the orders table, not only the library's.
/// </summary>
public sealed class PostgresOrderSearchTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Task ExecAsync(string cs, string sql) => PostgresLegacyDatabase.ExecAsync(cs, sql);

    private async Task<PostgresStorage> OpenAsync(string cs) =>
        await PostgresStorage.OpenAsync(fixture.Options(cs), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));

    /// <summary>The page's ids (comma-separated) and the total.</summary>
    private static async Task<(string Ids, long Total)> SearchAsync(ITenantStorage tenant, string term)
    {
        var page = await tenant.ListOrdersFilteredAsync(null, term, null, null, 50, 0);
        return (string.Join(",", page.Items.Select(o => o.Id)), page.Total);
    }

    [Fact]
    public async Task An_order_written_by_plain_SQL_is_found_by_its_resource_id_and_after_an_edit_only_by_the_new_one()
    {
        var cs = await fixture.CreateSchemaAsync();
        await using var storage = await OpenAsync(cs);
        var a = storage.ForTenant("tenant-a");
        await a.TryStoreOrderAsync(Make.Order(Now, id: "ord-lib") with { ResourceId = "gadget-1" });
        await ExecAsync(cs, """
            INSERT INTO orders (id, tenant_id, source, purchase_id, resource_id, status, items, amount, amount_asset, created_at)
            VALUES ('ord-sql', 'tenant-a', 'x402', 'sig-sql', 'Widget-9', 'paid', '[]', 1, 'USDC', '2026-03-01 11:00:00+00')
            """);

        Assert.Equal(("ord-sql", 1L), await SearchAsync(a, "widget-"));
        Assert.Equal(("ord-lib", 1L), await SearchAsync(a, "GADGET"));

        await ExecAsync(cs, "UPDATE orders SET resource_id = 'gizmo-3' WHERE tenant_id = 'tenant-a' AND id = 'ord-sql'");
        Assert.Equal(("", 0L), await SearchAsync(a, "widget-"));
        Assert.Equal(("ord-sql", 1L), await SearchAsync(a, "gizmo"));

        await ExecAsync(cs, "UPDATE orders SET tenant_id = 'tenant-b' WHERE tenant_id = 'tenant-a' AND id = 'ord-sql'");
        Assert.Equal(("", 0L), await SearchAsync(a, "gizmo"));
        Assert.Equal(("ord-sql", 1L), await SearchAsync(storage.ForTenant("tenant-b"), "gizmo"));
    }

    [Fact]
    public async Task An_order_stored_in_a_transaction_that_rolls_back_leaves_its_resource_id_unmatched_and_a_later_order_found()
    {
        var cs = await fixture.CreateSchemaAsync();
        await using var storage = await OpenAsync(cs);
        var a = storage.ForTenant("tenant-a");
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.InTransactionAsync(async (tx, ct) =>
        {
            await tx.TryStoreOrderAsync(Make.Order(Now, id: "ord-gone") with { ResourceId = "ephemeral-1" }, ct);
            throw new InvalidOperationException("roll back");
        }));
        Assert.Equal(("", 0L), await SearchAsync(a, "ephemeral"));

        await a.TryStoreOrderAsync(Make.Order(Now, id: "ord-kept") with { ResourceId = "ephemeral-1" });
        Assert.Equal(("ord-kept", 1L), await SearchAsync(a, "ephemeral"));
    }
}
