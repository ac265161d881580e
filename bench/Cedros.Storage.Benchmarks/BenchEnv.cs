using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Cedros.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// Where the benchmarks put their data. PostgreSQL: the server named by <c>CEDROS_BENCH_POSTGRES</c> (else
/// <c>CEDROS_TEST_POSTGRES</c>), always in the database <c>cedros_bench</c> — and <c>cedros_bench_orders_N</c> for the
/// order search table of N orders — created if missing, never the test schemas. SQLite: files under <c>CEDROS_BENCH_DIR</c> (default <c>/tmp/cedros-bench</c>).
/// </summary>
public static class BenchEnv
{
    public const string Database = "cedros_bench";
    public const string Tenant = "bench";

    /// <summary>The payments table under the default schema mapping (the other tables keep the seed's names).</summary>
    public static readonly string Payments = new Cedros.Storage.Schema.SchemaMapping().Payments;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Databases = new(StringComparer.Ordinal);

    public static string Directory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("CEDROS_BENCH_DIR") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "cedros-bench");
            System.IO.Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>The backends to run: all of <paramref name="candidates"/>, or those named in <c>CEDROS_BENCH_BACKENDS</c>
    /// (comma-separated, e.g. <c>Postgres</c> or <c>Postgres,SqliteNormal</c>).</summary>
    public static IEnumerable<BackendKind> Backends(params BackendKind[] candidates)
    {
        var wanted = Environment.GetEnvironmentVariable("CEDROS_BENCH_BACKENDS");
        if (string.IsNullOrWhiteSpace(wanted)) return candidates;
        var names = wanted.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return candidates.Where(c => names.Contains(c.ToString(), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Orders in the search table (<c>CEDROS_BENCH_ORDERS</c>, default 100,000).</summary>
    public static int Orders => int.TryParse(Environment.GetEnvironmentVariable("CEDROS_BENCH_ORDERS"), out var n) && n > 0 ? n : 100_000;

    /// <summary>Connection string of the benchmark database (UTC session time zone, like the storage's own).</summary>
    public static string Postgres => PostgresFor(Database);

    /// <summary>Connection string of a benchmark database, created if missing (the order search uses one per N).</summary>
    public static string PostgresFor(string database) => Databases.GetOrAdd(database, CreateDatabase);

    public static string SqlitePath(string name) => Path.Combine(Directory, name + ".db");

    public static SqliteSynchronous Synchronous(BackendKind kind) =>
        kind == BackendKind.SqliteNormal ? SqliteSynchronous.Normal : SqliteSynchronous.Full;

    /// <summary>Opens (and migrates) the storage of a case; a SQLite file named <paramref name="name"/> is deleted first
    /// when <paramref name="fresh"/>.</summary>
    public static async Task<ICedrosStorage> OpenStorageAsync(BackendKind kind, string name, bool fresh = true, string database = Database,
        Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions();
        configure?.Invoke(options);
        if (kind == BackendKind.Postgres)
        {
            options.Backend = StorageBackend.Postgres;
            // CEDROS_BENCH_PG_EXTRA: keywords appended to the storage's connection string, to measure a driver setting.
            options.Postgres.ConnectionString = PostgresFor(database) + (Environment.GetEnvironmentVariable("CEDROS_BENCH_PG_EXTRA") is { Length: > 0 } extra ? ";" + extra : "");
            return await PostgresStorage.OpenAsync(options, TimeProvider.System);
        }
        var path = SqlitePath(name);
        if (fresh) DeleteSqlite(path);
        options.Backend = StorageBackend.Sqlite;
        options.Sqlite.Path = path;
        options.Sqlite.Synchronous = Synchronous(kind);
        return await SqliteStorage.OpenAsync(options, TimeProvider.System);
    }

    /// <summary>One raw, open PostgreSQL connection (the baseline keeps it for the whole case).</summary>
    public static async Task<NpgsqlConnection> OpenRawPostgresAsync(string database = Database)
    {
        var connection = new NpgsqlConnection(PostgresFor(database));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>One raw, open SQLite connection with the same durability pragmas as the storage.</summary>
    public static SqliteConnection OpenRawSqlite(BackendKind kind, string name)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = SqlitePath(name), Pooling = false }.ToString());
        connection.Open();
        var synchronous = kind == BackendKind.SqliteNormal ? "NORMAL" : "FULL";
        Raw.Execute(connection, $"PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA synchronous = {synchronous};");
        return connection;
    }

    /// <summary>Empties tables of the benchmark database (PostgreSQL only; SQLite cases start from a fresh file).</summary>
    public static async Task TruncateAsync(params string[] tables)
    {
        await using var connection = await OpenRawPostgresAsync();
        await using var command = new NpgsqlCommand($"TRUNCATE {string.Join(", ", tables)}", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static void DeleteSqlite(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(path + suffix)) File.Delete(path + suffix);
    }

    private static string CreateDatabase(string database)
    {
        var server = Environment.GetEnvironmentVariable("CEDROS_BENCH_POSTGRES") is { Length: > 0 } b ? b
            : Environment.GetEnvironmentVariable("CEDROS_TEST_POSTGRES") is { Length: > 0 } t ? t
            : throw new InvalidOperationException("Set CEDROS_BENCH_POSTGRES or CEDROS_TEST_POSTGRES (scripts/bench.sh does it).");
        var admin = new NpgsqlConnectionStringBuilder(server) { Pooling = false };
        using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            connection.Open();
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @d", connection);
            exists.Parameters.AddWithValue("d", database);
            if (exists.ExecuteScalar() is null)
            {
                using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
                create.ExecuteNonQuery();
            }
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = database, Timezone = "UTC" }.ConnectionString;
    }
}
