using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IStripeSessionDriver
{
    private static readonly string UpsertStripeSession = $"""
        INSERT INTO [[sessions]] ({StripeSessionRow.Columns}) VALUES ({StripeSessionRow.Values})
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            resource_id = excluded.resource_id, status = excluded.status, amount_cents = excluded.amount_cents,
            currency = excluded.currency, customer_email = excluded.customer_email, metadata = excluded.metadata,
            created_at = excluded.created_at, completed_at = excluded.completed_at
        WHERE status <> 'completed'
        """;

    public Task<bool> UpsertStripeSessionUnlessCompletedAsync(StripeSession session, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql(UpsertStripeSession), StripeSessionRow.Args(session, TenantId, Codec)) > 0, cancellationToken);

    /// <summary>One conditional UPDATE; only when it changes nothing is the status read, in the same write transaction.</summary>
    public Task<StripeSessionCompletion> CompletePendingStripeSessionAsync(string sessionId, DateTimeOffset completedAt,
        CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var completed = s.Execute(Sql("""
                UPDATE [[sessions]] SET status = 'completed', completed_at = @at
                WHERE tenant_id = @tenant AND id = @id AND status = 'pending'
                """), Tenant, ("@id", sessionId), ("@at", completedAt));
            if (completed == 1) return StripeSessionCompletion.Done;
            return s.One(Sql("SELECT status FROM [[sessions]] WHERE tenant_id = @tenant AND id = @id"),
                r => (StripeSessionCompletion?)new StripeSessionCompletion(false, r.Enum<StripeSessionStatus>(0)), Tenant, ("@id", sessionId))
                ?? new StripeSessionCompletion(false, null);
        }, cancellationToken);
}
