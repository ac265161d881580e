using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    private const string StripeSessionColumns =
        "tenant_id, id, resource_id, status, amount_cents, currency, customer_email, metadata, created_at, completed_at";

    private static StripeSession ReadStripeSession(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Id = r.Str(1),
        ResourceId = r.Str(2),
        Status = r.Enum<StripeSessionStatus>(3),
        AmountCents = r.Long(4),
        Currency = r.Str(5),
        CustomerEmail = r.StrOrNull(6),
        Metadata = r.Metadata(7),
        CreatedAt = r.Time(8),
        CompletedAt = r.TimeOrNull(9),
    };

    public Task SaveStripeSessionAsync(StripeSession session, CancellationToken cancellationToken)
    {
        var p = Prepare.StripeSession(TenantId, session, Now);
        return WriteAsync(s =>
        {
            var changed = s.Execute($"""
                INSERT INTO {Tables.Sessions.Quoted} ({StripeSessionColumns})
                VALUES (@tenant, @id, @resource_id, @status, @amount_cents, @currency, @customer_email, @metadata, @created_at, @completed_at)
                ON CONFLICT (tenant_id, id) DO UPDATE SET
                    resource_id = excluded.resource_id, status = excluded.status, amount_cents = excluded.amount_cents,
                    currency = excluded.currency, customer_email = excluded.customer_email, metadata = excluded.metadata,
                    created_at = excluded.created_at, completed_at = excluded.completed_at
                WHERE status <> 'completed'
                """, Tenant, ("@id", p.Id), ("@resource_id", p.ResourceId), ("@status", Text(p.Status)), ("@amount_cents", p.AmountCents),
                ("@currency", p.Currency), ("@customer_email", p.CustomerEmail), ("@metadata", Json(p.Metadata)),
                ("@created_at", p.CreatedAt), ("@completed_at", p.CompletedAt));
            if (changed == 0) throw new StorageConflictException($"stripe session '{p.Id}' is completed and can no longer change.");
        }, cancellationToken);
    }

    public Task<StripeSession?> GetStripeSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        Check.Id(sessionId, "session id");
        return ReadAsync(s => s.One($"SELECT {StripeSessionColumns} FROM {Tables.Sessions.Quoted} WHERE tenant_id = @tenant AND id = @id",
            ReadStripeSession, Tenant, ("@id", sessionId)), cancellationToken);
    }

    public Task<bool> CompleteStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        Check.Id(sessionId, "session id");
        var at = StorageTime.Micro(completedAt);
        return WriteAsync(s =>
        {
            var completed = s.Execute($"""
                UPDATE {Tables.Sessions.Quoted} SET status = 'completed', completed_at = @at
                WHERE tenant_id = @tenant AND id = @id AND status = 'pending'
                """, Tenant, ("@id", sessionId), ("@at", at));
            if (completed == 1) return true;
            var status = s.One($"SELECT status FROM {Tables.Sessions.Quoted} WHERE tenant_id = @tenant AND id = @id",
                r => r.GetString(0), Tenant, ("@id", sessionId));
            return status switch
            {
                null => throw new StorageNotFoundException("stripe session", sessionId),
                "completed" => false,
                _ => throw new StorageConflictException($"stripe session '{sessionId}' has expired and cannot complete."),
            };
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StripeSession>> ListStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit,
        CancellationToken cancellationToken)
    {
        Check.Id(resourceId, "resource_id");
        if (status is { } st) Check.Defined(st, "status");
        Check.Page(limit);
        return ReadAsync<IReadOnlyList<StripeSession>>(s => s.List($"""
            SELECT {StripeSessionColumns} FROM {Tables.Sessions.Quoted}
            WHERE tenant_id = @tenant AND resource_id = @resource AND (@status IS NULL OR status = @status)
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """, ReadStripeSession, Tenant, ("@resource", resourceId), ("@status", status is { } x ? Text(x) : null), ("@limit", limit)),
            cancellationToken);
    }

    public Task<long> ExpireStripeSessionsAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(createdBefore);
        return WriteAsync(s => (long)s.Execute($"""
            UPDATE {Tables.Sessions.Quoted} SET status = 'expired'
            WHERE tenant_id = @tenant AND status = 'pending' AND created_at < @cutoff
            """, Tenant, ("@cutoff", cutoff)), cancellationToken);
    }
}
