using Cedros.Storage.FrontDoor.Drivers;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IStripeSessionDriver
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

    public Task<bool> UpsertStripeSessionUnlessCompletedAsync(StripeSession session, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql($"""
            INSERT INTO [[sessions]] ({StripeSessionColumns})
            VALUES (@tenant, @id, @resource_id, @status, @amount_cents, @currency, @customer_email, @metadata, @created_at, @completed_at)
            ON CONFLICT (tenant_id, id) DO UPDATE SET
                resource_id = excluded.resource_id, status = excluded.status, amount_cents = excluded.amount_cents,
                currency = excluded.currency, customer_email = excluded.customer_email, metadata = excluded.metadata,
                created_at = excluded.created_at, completed_at = excluded.completed_at
            WHERE status <> 'completed'
            """), Tenant, ("@id", session.Id), ("@resource_id", session.ResourceId), ("@status", Text(session.Status)),
            ("@amount_cents", session.AmountCents), ("@currency", session.Currency), ("@customer_email", session.CustomerEmail),
            ("@metadata", Json(session.Metadata)), ("@created_at", session.CreatedAt), ("@completed_at", session.CompletedAt)) > 0,
            cancellationToken);

    public Task<StripeSession?> FindStripeSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        ReadAsync(s => s.One(Sql($"SELECT {StripeSessionColumns} FROM [[sessions]] WHERE tenant_id = @tenant AND id = @id"),
            ReadStripeSession, Tenant, ("@id", sessionId)), cancellationToken);

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

    public Task<IReadOnlyList<StripeSession>> SelectStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit,
        CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StripeSession>>(s => s.List(Sql($"""
            SELECT {StripeSessionColumns} FROM [[sessions]]
            WHERE tenant_id = @tenant AND resource_id = @resource AND (@status IS NULL OR status = @status)
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """), ReadStripeSession, Tenant, ("@resource", resourceId), ("@status", status is { } x ? Text(x) : null), ("@limit", limit)),
            cancellationToken);

    public Task<long> ExpirePendingStripeSessionsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        WriteAsync(s => (long)s.Execute(Sql("""
            UPDATE [[sessions]] SET status = 'expired'
            WHERE tenant_id = @tenant AND status = 'pending' AND created_at < @cutoff
            """), Tenant, ("@cutoff", cutoff)), cancellationToken);
}
