using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Benchmarks;

/// <summary>Small helpers for the raw-driver baselines.</summary>
public static class Raw
{
    public static int Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>Microseconds since the Unix epoch: SQLite's timestamp representation in this schema.</summary>
    public static long Micros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>Now, truncated to microseconds (what the storage stores).</summary>
    public static DateTimeOffset Now()
    {
        var now = TimeProvider.System.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
    }
}

/// <summary>A claimed webhook read back whole by the raw baselines, as the storage returns it (headers deserialised,
/// every instant converted), from <see cref="Columns"/> in that order.</summary>
public static class RawWebhook
{
    /// <summary>The columns, with <c>{payload}</c> for the payload's column (<c>payload_raw</c> on PostgreSQL).</summary>
    public const string Columns = "id, tenant_id, url, {payload}, headers, event_type, status, attempts, max_attempts, last_error, " +
        "last_attempt_at, next_attempt_at, created_at, completed_at, locked_until, claim_token";

    public static string For(bool pg) => Columns.Replace("{payload}", pg ? "payload_raw" : "payload", StringComparison.Ordinal);

    public static PendingWebhook Read(System.Data.Common.DbDataReader r, bool pg) => new()
    {
        Id = r.GetString(0), TenantId = r.GetString(1), Url = r.GetString(2), Payload = r.GetString(3),
        Headers = Internal.StorageJson.Metadata(r.GetString(4)), EventType = r.GetString(5),
        Status = r.GetString(6) == "processing" ? WebhookStatus.Processing : WebhookStatus.Pending,
        Attempts = r.GetInt32(7), MaxAttempts = r.GetInt32(8), LastError = r.IsDBNull(9) ? null : r.GetString(9),
        LastAttemptAt = Time(r, 10, pg), NextAttemptAt = Time(r, 11, pg), CreatedAt = Time(r, 12, pg),
        CompletedAt = Time(r, 13, pg), LockedUntil = Time(r, 14, pg), ClaimToken = r.GetString(15),
    };

    private static DateTimeOffset? Time(System.Data.Common.DbDataReader r, int i, bool pg) =>
        r.IsDBNull(i) ? null
        : pg ? new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc))
        : DateTimeOffset.UnixEpoch.AddTicks(r.GetInt64(i) * 10);
}
