using System.Data.Common;
using Cedros.Storage.Internal;
using Cedros.Storage.Sql;
using NpgsqlTypes;

namespace Cedros.Storage.Postgres;

/// <summary>PostgreSQL's values: instants are read as UTC whether the column is <c>TIMESTAMP</c> (the seed's; holds UTC
/// wall-clock) or <c>TIMESTAMPTZ</c>; JSON is bound as <c>jsonb</c>; a NULL text or instant carries its type, so
/// <c>@x IS NULL</c> and <c>COALESCE(@x, …)</c> need no inference; no LIMIT is a NULL LIMIT.</summary>
internal sealed class PgCodec : SqlCodec
{
    public static readonly PgCodec Instance = new();

    protected override string OrdinalCollation => "\"C\"";

    /// <summary>The payload is read from payload_raw (byte-exact); rows written by the seed's code only have JSONB.</summary>
    protected override string WebhookPayload => "COALESCE(payload_raw, payload::text)";

    public override DateTimeOffset? OptTime(DbDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(r.GetFieldValue<DateTime>(i).Ticks, TimeSpan.Zero);

    public override object? Json<T>(T value) => new PgJson(value is null ? null : StorageJson.Serialize(value));

    public override object? TextArg(string? value) => TextParam(value);

    public override object? TimeArg(DateTimeOffset? value) => Tz(value);

    public override object Limit(int? limit) => (object?)limit ?? DBNull.Value;

    /// <summary>A nullable timestamptz parameter whose type PostgreSQL need not infer.</summary>
    public static Npgsql.NpgsqlParameter Tz(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } v ? v : DBNull.Value };

    /// <summary>A nullable text parameter whose type PostgreSQL need not infer.</summary>
    public static Npgsql.NpgsqlParameter TextParam(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}
