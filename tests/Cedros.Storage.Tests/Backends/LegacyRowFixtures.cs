using System.Globalization;
using Cedros.Storage.Internal;
using Cedros.Storage.Postgres;
using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Conformance;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cedros.Storage.Tests.Backends;

// Fixtures that put rows into a database with plain SQL, the way earlier Cedros servers wrote them, for
// LegacyJsonConformance. The in-memory backend stores objects, not JSON text: StorageJsonTests covers its side.

/// <summary>SQLite: the library creates the file, then a raw Microsoft.Data.Sqlite connection inserts the rows.</summary>
public sealed class SqliteLegacyFixture : SqliteFixture, ILegacyRowFixture
{
    public async Task<LegacyDatabase> OpenWithRowsAsync(IReadOnlyList<RawRow> rows, TimeProvider time)
    {
        var path = NewPath();
        var db = new Database(await SqliteStorage.OpenAsync(NewOptions(path), time), path);
        await db.InsertAsync(rows);
        return db;
    }

    private sealed class Database(ICedrosStorage storage, string path) : LegacyDatabase
    {
        public override ICedrosStorage Storage => storage;

        private SqliteConnection Open()
        {
            var c = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=30");
            c.Open();
            return c;
        }

        public override Task InsertAsync(IReadOnlyList<RawRow> rows)
        {
            using var c = Open();
            foreach (var row in rows)
            {
                var existing = Columns(c, row.Table);
                var columns = row.Columns.Where(col => existing.Contains(col.Column)).ToList();
                using var cmd = c.CreateCommand();
                cmd.CommandText = $"INSERT INTO \"{row.Table}\" ({string.Join(", ", columns.Select(col => col.Column))}) " +
                    $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))})";
                for (var i = 0; i < columns.Count; i++)
                    cmd.Parameters.AddWithValue("@p" + i.ToString(CultureInfo.InvariantCulture), Value(columns[i].Value));
                cmd.ExecuteNonQuery();
            }
            return Task.CompletedTask;
        }

        private static HashSet<string> Columns(SqliteConnection c, string table)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            using var r = cmd.ExecuteReader();
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (r.Read()) names.Add(r.GetString(0));
            return names.Count > 0 ? names : throw new InvalidOperationException($"no table {table}");
        }

        private static object Value(object? value) => value switch
        {
            null => DBNull.Value,
            DateTimeOffset t => StorageTime.ToUnixMicros(t),
            bool b => b ? 1L : 0L,
            RawJson j => j.Text,
            _ => value,
        };

        public override Task<string?> ReadRawAsync(string table, string column, string keyColumn, string key)
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT {column} FROM \"{table}\" WHERE {keyColumn} = @k";
            cmd.Parameters.AddWithValue("@k", key);
            return Task.FromResult(cmd.ExecuteScalar() is { } v and not DBNull ? Convert.ToString(v, CultureInfo.InvariantCulture) : null);
        }

        public override ValueTask DisposeAsync() => storage.DisposeAsync();
    }
}

/// <summary>PostgreSQL, a schema the library created and migrated; the rows are inserted afterwards with plain SQL.</summary>
public class PostgresLegacyFixture : PostgresFixture, ILegacyRowFixture
{
    public virtual async Task<LegacyDatabase> OpenWithRowsAsync(IReadOnlyList<RawRow> rows, TimeProvider time)
    {
        var cs = await CreateSchemaAsync();
        var db = new PostgresLegacyDatabase(await PostgresStorage.OpenAsync(Options(cs), time), cs);
        await db.InsertAsync(rows);
        return db;
    }
}

/// <summary>PostgreSQL, a schema made by the seed's DDL holding the rows, then adopted (migrated) by the library.
/// Rows for tables the seed does not have (idempotency keys) are inserted after the migration.</summary>
public sealed class PostgresSeedLegacyFixture : PostgresLegacyFixture
{
    public override string Name => "postgres (seed DDL)";

    public override async Task<LegacyDatabase> OpenWithRowsAsync(IReadOnlyList<RawRow> rows, TimeProvider time)
    {
        var cs = await CreateSchemaAsync();
        await PostgresLegacyDatabase.ExecAsync(cs, Postgres.SeedDdl.Sql);
        var later = new List<RawRow>();
        foreach (var row in rows)
        {
            if (await PostgresLegacyDatabase.TableExistsAsync(cs, row.Table)) await PostgresLegacyDatabase.InsertAsync(cs, [row]);
            else later.Add(row);
        }
        var db = new PostgresLegacyDatabase(await PostgresStorage.OpenAsync(Options(cs), time), cs);
        await db.InsertAsync(later);
        return db;
    }
}

internal sealed class PostgresLegacyDatabase(ICedrosStorage storage, string cs) : LegacyDatabase
{
    public override ICedrosStorage Storage => storage;

    public override Task InsertAsync(IReadOnlyList<RawRow> rows) => InsertAsync(cs, rows);

    public static async Task ExecAsync(string cs, string sql)
    {
        await using var c = new NpgsqlConnection(cs);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<bool> TableExistsAsync(string cs, string table) => (await ColumnsAsync(cs, table)).Count > 0;

    private static async Task<HashSet<string>> ColumnsAsync(string cs, string table)
    {
        await using var c = new NpgsqlConnection(cs);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t", c);
        cmd.Parameters.AddWithValue("t", table);
        await using var r = await cmd.ExecuteReaderAsync();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (await r.ReadAsync()) names.Add(r.GetString(0));
        return names;
    }

    /// <summary>Inserts with SQL literals, so PostgreSQL types each value by its column (TIMESTAMP, TIMESTAMPTZ, JSONB …).</summary>
    public static async Task InsertAsync(string cs, IReadOnlyList<RawRow> rows)
    {
        foreach (var row in rows)
        {
            var existing = await ColumnsAsync(cs, row.Table);
            if (existing.Count == 0) throw new InvalidOperationException($"no table {row.Table}");
            var columns = row.Columns.Where(col => existing.Contains(col.Column)).ToList();
            await ExecAsync(cs, $"INSERT INTO \"{row.Table}\" ({string.Join(", ", columns.Select(col => col.Column))}) " +
                $"VALUES ({string.Join(", ", columns.Select(col => Literal(col.Value)))})");
        }
    }

    private static string Literal(object? value) => value switch
    {
        null => "NULL",
        string s => Quote(s),
        RawJson j => Quote(j.Text),
        bool b => b ? "true" : "false",
        DateTimeOffset t => Quote(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00"),
        byte[] bytes => Quote("\\x" + Convert.ToHexString(bytes)),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"unsupported raw value {value.GetType()}"),
    };

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public override async Task<string?> ReadRawAsync(string table, string column, string keyColumn, string key)
    {
        await using var c = new NpgsqlConnection(cs);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT {column}::text FROM \"{table}\" WHERE {keyColumn} = @k", c);
        cmd.Parameters.AddWithValue("k", key);
        return await cmd.ExecuteScalarAsync() is string s ? s : null;
    }

    public override ValueTask DisposeAsync() => storage.DisposeAsync();
}
