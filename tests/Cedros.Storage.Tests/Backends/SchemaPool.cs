using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Cedros.Storage.Configuration;
using Npgsql;

namespace Cedros.Storage.Tests.Backends;

/// <summary>
/// A fixture whose storages' databases can be handed to a later test once the test that opened them has finished
/// (<see cref="Conformance.ConformanceTest{TFixture}"/> releases them when its test ends).
/// </summary>
public interface IReusableStorageFixture
{
    /// <summary>The test that opened <paramref name="storages"/> (through this fixture) has finished; their databases
    /// may be emptied and handed out again.</summary>
    Task ReleaseAsync(IReadOnlyCollection<ICedrosStorage> storages);
}

/// <summary>
/// Hands a finished test's PostgreSQL schema to the next test of the same class, emptied, instead of creating and
/// migrating a new one (creating a schema and running the migrations is ~80 % of a typical PostgreSQL conformance
/// test's time). A schema is reused only when it is, as far as the catalogue tells, exactly what a fresh one would be:
/// <list type="bullet">
/// <item>it was created fresh by the fixture and opened with the fixture's own table mapping and archive table and
/// with <c>storage.migrations = apply</c> (<see cref="Key"/>); anything else always gets a new schema;</item>
/// <item>when released, its catalogue fingerprint (every relation with its columns, types, defaults and options,
/// every index, constraint, trigger, function and type, and the migration history's versions and checksums) equals
/// the fingerprint taken of the first fresh schema right after its migration — a test that added, dropped or changed
/// anything (another archive table, a dropped index, a forged migration row) leaves a schema that is dropped;</item>
/// <item>every table but the migration history is emptied with <c>TRUNCATE</c> (new, empty files: the same physical
/// state as a fresh table), under a lock timeout: a connection the test left inside a transaction makes the schema
/// be dropped rather than waited for.</item>
/// </list>
/// Tests of one class run one after another, so a class creates one schema (or a few, for tests that open several
/// storages) instead of one per test. Schemas not reused are dropped by the fixture as before.
/// </summary>
internal sealed class SchemaPool(Func<NpgsqlDataSource> admin)
{
    private readonly ConcurrentBag<string> _free = [];
    private readonly ConcurrentDictionary<string, bool> _reusable = new(StringComparer.Ordinal);
    private string? _reference;

    /// <summary>Schemas handed out again (for the test output and docs).</summary>
    public int Reused => _reused;

    private int _reused;

    /// <summary>What decides whether a schema opened with <paramref name="options"/> has a fresh schema's objects:
    /// the migration policy and every mapped table name (<paramref name="schema"/> taken out of qualified names).</summary>
    public static string Key(StorageOptions options, string? schema)
    {
        var m = options.SchemaMapping;
        var names = new[]
        {
            m.Payments, m.Sessions, m.Products, m.Coupons, m.CartQuotes, m.RefundQuotes, m.AdminNonces, m.WebhookQueue,
            m.Orders, m.OrderHistory, m.Fulfillments, m.InventoryReservations, m.Subscriptions, m.IdempotencyKeys,
            m.SchemaMigrations, options.Archival.ArchiveTable ?? "(default)",
        };
        var key = string.Join("|", names) + "|" + options.Migrations;
        return schema is null ? key : key.Replace(schema + ".", "@.", StringComparison.Ordinal);
    }

    /// <summary>A released, emptied schema, or false when there is none.</summary>
    public bool TryTake(out string schema)
    {
        if (_free.TryTake(out schema!))
        {
            Interlocked.Increment(ref _reused);
            return true;
        }
        return false;
    }

    /// <summary>Marks a fresh schema just migrated with the fixture's own options as reusable; the first one also
    /// gives the reference fingerprint (taken now, before the test has touched it).</summary>
    public async Task AdoptAsync(string schema, string migrationsTable)
    {
        if (Volatile.Read(ref _reference) is null)
        {
            await using var connection = await admin().OpenConnectionAsync();
            Interlocked.CompareExchange(ref _reference, await FingerprintAsync(connection, schema, migrationsTable), null);
        }
        _reusable[schema] = true;
    }

    /// <summary>Empties <paramref name="schema"/> and makes it available again, if it still matches the reference;
    /// false when it does not (or could not be emptied): the caller leaves it to be dropped.</summary>
    public async Task<bool> ReleaseAsync(string schema, string migrationsTable)
    {
        if (!_reusable.TryRemove(schema, out _) || _reference is null) return false;
        try
        {
            await using var connection = await admin().OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await using (var timeout = new NpgsqlCommand("SET LOCAL lock_timeout = '3s'", connection, tx))
                await timeout.ExecuteNonQueryAsync();
            if (!string.Equals(await FingerprintAsync(connection, schema, migrationsTable, tx), _reference, StringComparison.Ordinal))
                return false;
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand("""
                SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = @s AND c.relkind IN ('r', 'p') AND c.relname <> @m ORDER BY c.relname
                """, connection, tx))
            {
                list.Parameters.AddWithValue("s", schema);
                list.Parameters.AddWithValue("m", migrationsTable);
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            }
            if (tables.Count > 0)
            {
                await using var truncate = new NpgsqlCommand($"TRUNCATE {string.Join(", ", tables)} RESTART IDENTITY", connection, tx);
                await truncate.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
            _free.Add(schema);
            return true;
        }
        catch (NpgsqlException)
        {
            return false; // e.g. the lock timeout: a connection still inside a transaction there; the schema is dropped
        }
    }

    /// <summary>The schema's catalogue as text, with the schema's own name replaced by <c>@</c>.</summary>
    private static async Task<string> FingerprintAsync(NpgsqlConnection connection, string schema, string migrationsTable, NpgsqlTransaction? tx = null)
    {
        const string sql = """
            WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = @s)
            SELECT coalesce(string_agg(x, E'\n' ORDER BY x), '') FROM (
                SELECT 'rel ' || c.relname || ' ' || c.relkind::text || ' ' || c.relpersistence::text || ' ' || c.relrowsecurity::text
                       || ' ' || coalesce(array_to_string(c.reloptions, ','), '') || ' ('
                       || coalesce((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                                      || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                                                      || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                                                      || coalesce(' collate ' || a.attcollation::regcollation::text, ''),
                                                      ', ' ORDER BY a.attnum)
                                      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'
                  FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM ns)
                UNION ALL
                SELECT 'index ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' invalid' END
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = (SELECT oid FROM ns)
                UNION ALL
                SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                  FROM pg_constraint WHERE connamespace = (SELECT oid FROM ns)
                UNION ALL
                SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
                  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE c.relnamespace = (SELECT oid FROM ns) AND NOT t.tgisinternal
                UNION ALL
                SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM ns)
                UNION ALL
                SELECT 'type ' || t.typname || ' ' || t.typtype::text FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM ns)
                UNION ALL
                SELECT 'rule ' || r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE c.relnamespace = (SELECT oid FROM ns)
                UNION ALL
                SELECT 'policy ' || p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = (SELECT oid FROM ns)
            ) f(x)
            """;
        var text = new StringBuilder();
        await using (var cmd = new NpgsqlCommand(sql, connection, tx))
        {
            cmd.Parameters.AddWithValue("s", schema);
            text.Append(await cmd.ExecuteScalarAsync() as string);
        }
        // The migration history's content: what was applied (not when).
        await using (var history = new NpgsqlCommand(
            $"SELECT coalesce(string_agg(version || ' ' || name || ' ' || checksum, E'\\n' ORDER BY version), '') FROM \"{schema}\".\"{migrationsTable}\"",
            connection, tx))
            text.Append("\nhistory\n").Append(await history.ExecuteScalarAsync() as string);
        return text.ToString().Replace(schema, "@", StringComparison.Ordinal);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_reused} reused");
}
