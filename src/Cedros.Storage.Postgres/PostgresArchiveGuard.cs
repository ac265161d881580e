using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>
/// Replay protection while archival runs. The ledger insert's <c>NOT EXISTS (archive)</c> check reads its statement
/// snapshot; when the archiver moves the same signature at that moment, the insert's <c>ON CONFLICT</c> check waits for
/// the archiver's delete of the hot row, finds it gone once the archiver commits, and inserts a signature the archive
/// now holds. An <c>AFTER INSERT … FOR EACH STATEMENT</c> trigger on the ledger closes that window: its PL/pgSQL
/// function looks the inserted signatures up in the archive again, and in READ COMMITTED each of its queries takes a
/// fresh snapshot, taken after every conflict wait of the insert, so an archive row committed by then is seen and the
/// whole statement fails with SQLSTATE 23505 and constraint name <see cref="Constraint"/> (the store reports a replay).
/// An archiver still in progress cannot be missed: it still holds the hot row the insert had to wait for.
/// <para>
/// The archive table's name is configuration (<c>storage.archival.archive_table</c>) that may change between starts,
/// so the archive table, the function (which names it) and the trigger are ensured on every open, after the versioned
/// migrations and under the same advisory lock; nothing is rewritten when they already match.
/// </para>
/// </summary>
internal static class PostgresArchiveGuard
{
    /// <summary>The constraint name the guard reports its unique_violation with.</summary>
    public const string Constraint = "cedros_payment_archived";

    /// <summary>The trigger's name on the ledger table (trigger names are per table).</summary>
    public const string Trigger = "cedros_archive_guard";

    /// <summary>True for the guard's error: a signature being recorded was archived concurrently.</summary>
    public static bool IsArchivedReplay(Exception ex) => ex is PostgresException { SqlState: "23505", ConstraintName: Constraint };

    private const string ArchiveTableSql = """
        CREATE TABLE IF NOT EXISTS [[payments_archive]] (
            signature TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL DEFAULT 'default',
            resource_id TEXT,
            wallet TEXT,
            amount BIGINT,
            amount_asset TEXT,
            created_at TIMESTAMP,
            metadata JSONB,
            archived_at TIMESTAMPTZ
        );
        CREATE INDEX IF NOT EXISTS [[payments_archive|idx_%_tenant_created]] ON [[payments_archive]] (tenant_id, created_at);
        """;

    /// <summary>Creates or updates the archive table, the guard function and the trigger to match the configured
    /// names, in its own transaction after <c>pg_advisory_xact_lock(<paramref name="lockKey"/>, …)</c>.</summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, PostgresContext context, int lockKey, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var conn = new PgConn(connection, tx, context, ct);
        await conn.ExecuteAsync("SELECT pg_advisory_xact_lock(@key, hashtext(@table))",
            ("key", lockKey), ("table", context.Tables.SchemaMigrations.ToString())).ConfigureAwait(false);

        var archiveName = context.ArchiveTable.Quoted;
        if (!await conn.RowAsync("SELECT to_regclass(@a) IS NOT NULL", r => r.GetBoolean(0), ("a", archiveName)).ConfigureAwait(false))
            await conn.ExecuteAsync(ArchiveTableSql).ConfigureAwait(false);

        // The function names the archive by schema as well, so it finds the same table whatever the inserting session's
        // search_path is. "= ANY (ARRAY(…))" rather than a join: one index probe per key whatever the batch size, and a
        // plan that stays an index scan when PL/pgSQL caches it (a join planned for a first 10,000-row batch could be
        // cached as a hash join scanning the whole archive).
        var archive = await conn.RowAsync("""
            SELECT format('%I.%I', n.nspname, c.relname)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid = to_regclass(@a)
            """, r => r.GetString(0), ("a", archiveName)).ConfigureAwait(false);
        var payments = context.Tables.Payments;
        var bareFunction = payments.Index("{table}_archive_guard");
        var function = payments.SchemaName is { } schema ? $"\"{schema}\".{bareFunction}" : bareFunction;
        var body = $"""

            BEGIN
                IF EXISTS (SELECT 1 FROM {archive} a WHERE a.signature = ANY (ARRAY(SELECT i.signature FROM inserted i))) THEN
                    RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = '{Constraint}',
                        TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
                        MESSAGE = 'a payment signature being recorded is already in the archive (replay refused)';
                END IF;
                RETURN NULL;
            END

            """;

        var (source, triggerOk) = await conn.RowAsync("""
            SELECT (SELECT p.prosrc FROM pg_proc p WHERE p.oid = to_regprocedure(@f)),
                   EXISTS (SELECT 1 FROM pg_trigger t
                            WHERE t.tgrelid = to_regclass(@p) AND t.tgname = @n AND t.tgfoid = to_regprocedure(@f)
                              AND t.tgtype = 4 AND t.tgenabled IN ('O', 'A') AND t.tgnewtable = 'inserted')
            """, r => (r.IsDBNull(0) ? null : r.GetString(0), r.GetBoolean(1)),
            ("f", function + "()"), ("p", payments.Quoted), ("n", Trigger)).ConfigureAwait(false);

        if (!string.Equals(source, body, StringComparison.Ordinal))
            await RawAsync(connection, tx, $"""
                CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $cedros_guard${body}$cedros_guard$
                """, ct).ConfigureAwait(false);
        // tgtype 4 = AFTER INSERT FOR EACH STATEMENT. DROP + CREATE (not CREATE OR REPLACE TRIGGER, PostgreSQL 14+)
        // also re-enables a trigger someone disabled.
        if (!triggerOk)
            await RawAsync(connection, tx, $"""
                DROP TRIGGER IF EXISTS "{Trigger}" ON {payments.Quoted};
                CREATE TRIGGER "{Trigger}" AFTER INSERT ON {payments.Quoted}
                    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION {function}();
                """, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>DDL whose text is built here (not a cached template).</summary>
    private static async Task RawAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
