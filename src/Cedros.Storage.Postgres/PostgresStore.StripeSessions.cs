using Cedros.Storage.FrontDoor.Drivers;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IStripeSessionDriver
{
    private const string StripeSessionColumns = "id, tenant_id, resource_id, status, amount_cents, currency, customer_email, metadata, created_at, completed_at";

    private static StripeSession ReadStripeSession(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        TenantId = r.GetString(1),
        ResourceId = PgRow.Str(r, 2),
        Status = PgRow.Enum(r, 3, StripeSessionStatus.Pending),
        AmountCents = PgRow.Long(r, 4),
        Currency = PgRow.Str(r, 5),
        CustomerEmail = PgRow.OptStr(r, 6),
        Metadata = PgRow.Meta(r, 7),
        CreatedAt = PgRow.Time(r, 8),
        CompletedAt = PgRow.OptTime(r, 9),
    };

    public Task<bool> UpsertStripeSessionUnlessCompletedAsync(StripeSession session, CancellationToken cancellationToken) =>
        RunAsync(async c => await c.ExecuteAsync("""
            INSERT INTO [[sessions]] AS s (id, tenant_id, resource_id, status, amount_cents, currency, customer_email, metadata, created_at, completed_at)
            VALUES (@id, @t, @resource, @status, @amount, @currency, @email, @meta, @created, @completed)
            ON CONFLICT (tenant_id, id) DO UPDATE SET
                resource_id = EXCLUDED.resource_id, status = EXCLUDED.status, amount_cents = EXCLUDED.amount_cents,
                currency = EXCLUDED.currency, customer_email = EXCLUDED.customer_email, metadata = EXCLUDED.metadata,
                created_at = EXCLUDED.created_at, completed_at = EXCLUDED.completed_at
             WHERE s.status IS DISTINCT FROM 'completed'
            """, ("id", session.Id), ("t", TenantId), ("resource", session.ResourceId), ("status", PgRow.Text(session.Status)),
            ("amount", session.AmountCents), ("currency", session.Currency), ("email", session.CustomerEmail),
            ("meta", PgRow.Json(session.Metadata)), ("created", session.CreatedAt), ("completed", Tz(session.CompletedAt)))
            .ConfigureAwait(false) > 0, cancellationToken);

    public Task<StripeSession?> FindStripeSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        RunAsync(c => c.OneAsync($"SELECT {StripeSessionColumns} FROM [[sessions]] WHERE tenant_id = @t AND id = @id",
            ReadStripeSession, ("t", TenantId), ("id", sessionId)), cancellationToken);

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

    public Task<IReadOnlyList<StripeSession>> SelectStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StripeSession>>(async c => await c.ListAsync($"""
            SELECT {StripeSessionColumns} FROM [[sessions]]
             WHERE tenant_id = @t AND resource_id = @r AND (@status IS NULL OR status = @status)
             ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT @limit
            """, ReadStripeSession, ("t", TenantId), ("r", resourceId), ("status", TextParam(status is { } s ? PgRow.Text(s) : null)),
            ("limit", limit)).ConfigureAwait(false), cancellationToken);

    public Task<long> ExpirePendingStripeSessionsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        RunAsync(async c => (long)await c.ExecuteAsync("""
            UPDATE [[sessions]] SET status = 'expired' WHERE tenant_id = @t AND status = 'pending' AND created_at < @cutoff
            """, ("t", TenantId), ("cutoff", cutoff)).ConfigureAwait(false), cancellationToken);
}
