using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore
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

    public Task SaveStripeSessionAsync(StripeSession session, CancellationToken cancellationToken)
    {
        var s = Prepare.StripeSession(TenantId, session, Now);
        return RunAsync(async c =>
        {
            var saved = await c.ExecuteAsync("""
                INSERT INTO [[sessions]] AS s (id, tenant_id, resource_id, status, amount_cents, currency, customer_email, metadata, created_at, completed_at)
                VALUES (@id, @t, @resource, @status, @amount, @currency, @email, @meta, @created, @completed)
                ON CONFLICT (tenant_id, id) DO UPDATE SET
                    resource_id = EXCLUDED.resource_id, status = EXCLUDED.status, amount_cents = EXCLUDED.amount_cents,
                    currency = EXCLUDED.currency, customer_email = EXCLUDED.customer_email, metadata = EXCLUDED.metadata,
                    created_at = EXCLUDED.created_at, completed_at = EXCLUDED.completed_at
                 WHERE s.status IS DISTINCT FROM 'completed'
                """, ("id", s.Id), ("t", TenantId), ("resource", s.ResourceId), ("status", PgRow.Text(s.Status)), ("amount", s.AmountCents),
                ("currency", s.Currency), ("email", s.CustomerEmail), ("meta", PgRow.Json(s.Metadata)), ("created", s.CreatedAt),
                ("completed", Tz(s.CompletedAt))).ConfigureAwait(false);
            if (saved == 0) throw new StorageConflictException($"stripe session '{s.Id}' is completed and can no longer change.");
        }, cancellationToken);
    }

    public Task<StripeSession?> GetStripeSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        Check.Id(sessionId, "session id");
        return RunAsync(c => c.OneAsync($"SELECT {StripeSessionColumns} FROM [[sessions]] WHERE tenant_id = @t AND id = @id",
            ReadStripeSession, ("t", TenantId), ("id", sessionId)), cancellationToken);
    }

    public Task<bool> CompleteStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        Check.Id(sessionId, "session id");
        var at = StorageTime.Micro(completedAt);
        return RunAsync(async c =>
        {
            var completed = await c.ExecuteAsync("""
                UPDATE [[sessions]] SET status = 'completed', completed_at = @at
                 WHERE tenant_id = @t AND id = @id AND COALESCE(status, 'pending') = 'pending'
                """, ("t", TenantId), ("id", sessionId), ("at", at)).ConfigureAwait(false);
            if (completed == 1) return true;
            // Read after the UPDATE (a new statement sees whatever a concurrent caller committed).
            var status = await c.OneAsync("SELECT COALESCE(status, 'pending') FROM [[sessions]] WHERE tenant_id = @t AND id = @id",
                r => r.GetString(0), ("t", TenantId), ("id", sessionId)).ConfigureAwait(false);
            return status switch
            {
                null => throw new StorageNotFoundException("stripe session", sessionId),
                "expired" => throw new StorageConflictException($"stripe session '{sessionId}' has expired and cannot complete."),
                _ => false,
            };
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StripeSession>> ListStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit,
        CancellationToken cancellationToken)
    {
        Check.Id(resourceId, "resource_id");
        if (status is { } st) Check.Defined(st, "status");
        Check.Page(limit);
        return RunAsync<IReadOnlyList<StripeSession>>(async c => await c.ListAsync($"""
            SELECT {StripeSessionColumns} FROM [[sessions]]
             WHERE tenant_id = @t AND resource_id = @r AND (@status IS NULL OR status = @status)
             ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT @limit
            """, ReadStripeSession, ("t", TenantId), ("r", resourceId), ("status", TextParam(status is { } s ? PgRow.Text(s) : null)),
            ("limit", limit)).ConfigureAwait(false), cancellationToken);
    }

    public Task<long> ExpireStripeSessionsAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(createdBefore);
        return RunAsync(async c => (long)await c.ExecuteAsync("""
            UPDATE [[sessions]] SET status = 'expired' WHERE tenant_id = @t AND status = 'pending' AND created_at < @cutoff
            """, ("t", TenantId), ("cutoff", cutoff)).ConfigureAwait(false), cancellationToken);
    }
}
