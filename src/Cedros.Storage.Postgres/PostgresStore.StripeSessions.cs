using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Sql;
using Cedros.Storage.Schema.Rows;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IStripeSessionDriver
{
    private static readonly string UpsertStripeSession = $"""
        INSERT INTO [[sessions]] AS s ({StripeSessionRow.Columns}) VALUES ({StripeSessionRow.Values})
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            resource_id = EXCLUDED.resource_id, status = EXCLUDED.status, amount_cents = EXCLUDED.amount_cents,
            currency = EXCLUDED.currency, customer_email = EXCLUDED.customer_email, metadata = EXCLUDED.metadata,
            created_at = EXCLUDED.created_at, completed_at = EXCLUDED.completed_at
         WHERE s.status IS DISTINCT FROM 'completed'
        """;

    public Task<bool> UpsertStripeSessionUnlessCompletedAsync(StripeSession session, CancellationToken cancellationToken) =>
        RunAsync(async c => await c.ExecuteAsync(UpsertStripeSession, StripeSessionRow.Args(session, TenantId, Codec)).ConfigureAwait(false) > 0,
            cancellationToken);

    /// <summary>The conditional UPDATE, then (only when it changed nothing) the status, read by a new statement that
    /// sees whatever a concurrent caller committed. A missing status counts as pending.</summary>
    public Task<StripeSessionCompletion> CompletePendingStripeSessionAsync(string sessionId, DateTimeOffset completedAt,
        CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            var completed = await c.ExecuteAsync("""
                UPDATE [[sessions]] SET status = 'completed', completed_at = @at
                 WHERE tenant_id = @t AND id = @id AND COALESCE(status, 'pending') = 'pending'
                """, ("t", TenantId), ("id", sessionId), ("at", completedAt)).ConfigureAwait(false);
            if (completed == 1) return StripeSessionCompletion.Done;
            var status = await c.OneAsync("SELECT COALESCE(status, 'pending') FROM [[sessions]] WHERE tenant_id = @t AND id = @id",
                r => r.GetString(0), ("t", TenantId), ("id", sessionId)).ConfigureAwait(false);
            return new StripeSessionCompletion(false, status switch
            {
                null => null,
                "expired" => StripeSessionStatus.Expired,
                "completed" => StripeSessionStatus.Completed,
                _ => StripeSessionStatus.Pending,
            });
        }, cancellationToken);

}
