using Cedros.Storage.Schema;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts in order, each in its own transaction that first takes
/// <c>pg_advisory_xact_lock</c> and then re-reads the history table, so concurrent migrators apply each script once.
/// A script changed after it was applied fails start-up with a clear error. Then, under the same lock, the objects that
/// depend on configuration rather than on a version are ensured (<see cref="PostgresArchiveGuard"/>: the configured
/// archive table and the ledger's archive guard trigger).
/// </summary>
internal sealed class PostgresMigrator(PostgresContext context)
{
    /// <summary>First key of the migration advisory lock ("cedros" in spirit); the second is the history table's name.</summary>
    private const int LockKey = 0x0CED_0501;

    /// <summary>The embedded migrations, ordered by version.</summary>
    public static IReadOnlyList<MigrationScript> All { get; } = MigrationScripts.Load(typeof(PostgresMigrator).Assembly);

    /// <summary>The newest version among the embedded migrations.</summary>
    public static long KnownVersion { get; } = All.Count == 0 ? 0 : All.Max(m => m.Version);

    /// <summary>Reads the newest applied version (one connection, one query); a missing history table is an error.</summary>
    public async Task<Observability.SchemaVersion> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var max = new NpgsqlCommand(context.Sql("SELECT coalesce(max(version), 0) FROM [[schema_migrations]]"), connection);
            var applied = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            return new(applied, KnownVersion);
        }
        catch (Exception ex) when (PostgresErrors.IsDriverError(ex))
        {
            throw PostgresErrors.Translate(ex);
        }
    }

    /// <summary>Every version recorded in the history table (empty when it does not exist); reads only, creates nothing.</summary>
    public async Task<IReadOnlyCollection<long>> GetAppliedVersionsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection))
            {
                exists.Parameters.AddWithValue("name", context.Tables.SchemaMigrations.Quoted);
                if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true) return [];
            }
            await using var select = new NpgsqlCommand(context.Sql("SELECT version FROM [[schema_migrations]]"), connection);
            var versions = new List<long>();
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) versions.Add(reader.GetInt32(0));
            return versions;
        }
        catch (Exception ex) when (PostgresErrors.IsDriverError(ex))
        {
            throw PostgresErrors.Translate(ex);
        }
    }

    /// <summary>Fails with <see cref="StorageSchemaVersionException"/> unless the schema is exactly this library's
    /// (<c>storage.migrations = verify</c>); writes nothing.</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken) =>
        Schema.SchemaVerifier.Verify("PostgreSQL", All, await GetAppliedVersionsAsync(cancellationToken).ConfigureAwait(false));

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            while (await ApplyNextAsync(connection, cancellationToken).ConfigureAwait(false))
            {
            }
            await PostgresArchiveGuard.EnsureAsync(connection, context, LockKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgresErrors.IsDriverError(ex))
        {
            throw PostgresErrors.Translate(ex);
        }
    }

    /// <summary>Applies the first pending migration; false when none is pending.</summary>
    private async Task<bool> ApplyNextAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var conn = new PgConn(connection, tx, context, ct);
        await conn.ExecuteAsync("SELECT pg_advisory_xact_lock(@key, hashtext(@table))",
            ("key", LockKey), ("table", context.Tables.SchemaMigrations.ToString())).ConfigureAwait(false);
        await conn.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS [[schema_migrations]] (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL
            )
            """).ConfigureAwait(false);
        var applied = await conn.ListAsync("SELECT version, name, checksum FROM [[schema_migrations]] ORDER BY version",
            r => (Version: r.GetInt32(0), Name: r.GetString(1), Checksum: r.GetString(2))).ConfigureAwait(false);
        // A database written by a newer library is refused before anything is applied to it (as SQLite does).
        var newest = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        if (newest > KnownVersion)
            throw new StorageSchemaVersionException("PostgreSQL", newest, KnownVersion, []);
        foreach (var row in applied)
        {
            var known = All.FirstOrDefault(m => m.Version == row.Version);
            if (known is not null && !string.Equals(known.Checksum, row.Checksum, StringComparison.Ordinal))
                throw new StorageException(StorageErrorKind.Internal,
                    $"PostgreSQL migration {row.Version:D4} ({row.Name}) was changed after it was applied: the database records checksum " +
                    $"{row.Checksum}, this build has {known.Checksum}. Restore the original script or repair {context.Tables.SchemaMigrations} by hand.");
        }
        var pending = All.FirstOrDefault(m => applied.TrueForAll(a => a.Version != m.Version));
        if (pending is null)
        {
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return false;
        }
        await using (var cmd = new NpgsqlCommand(context.Sql(pending.Text), connection, tx))
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await conn.ExecuteAsync("INSERT INTO [[schema_migrations]] (version, name, checksum, applied_at) VALUES (@v, @n, @c, @at)",
            ("v", pending.Version), ("n", pending.Name), ("c", pending.Checksum), ("at", context.Now)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }
}
