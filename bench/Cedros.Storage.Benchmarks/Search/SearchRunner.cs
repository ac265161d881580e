using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cedros.Storage.Benchmarks.Ops;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cedros.Storage.Benchmarks.Search;

/// <summary>
/// Issue 15's order search target: <c>ListOrdersFilteredAsync(search)</c> (first page of 20 plus the total) at 10k /
/// 100k / 1M orders on PostgreSQL and SQLite, against the query a good engineer would write by hand on the same
/// database in the same run. Each size is seeded once and kept (PostgreSQL database <c>cedros_bench_search_N</c>,
/// SQLite file <c>search-N.db</c>, synchronous=NORMAL: reads only). Per term the storage and the raw query alternate
/// call by call (ABBA), single-threaded; it reports p50/p99 of each, the ratio of the p50s and p99s (storage / raw:
/// above 1 is slower) and the bytes allocated per storage call (<see cref="GC.GetTotalAllocatedBytes"/> around it).
/// Raw PostgreSQL: count + page in one batch, <c>ILIKE</c> with the pattern escaped over the five columns (same
/// semantics), pooled with automatic preparation. Raw SQLite: the same two statements with <c>LIKE … ESCAPE</c> on one
/// open connection, prepared once — a scan, and a weaker match (<c>LIKE</c> folds ASCII only: it misses <c>MÜLLER</c>
/// for <c>müller</c>); the totals are printed so the difference shows.
/// Run: <c>dotnet Cedros.Storage.Benchmarks.dll search [--quick] [--sizes 10000,100000,1000000] [--searches N]
/// [--backends Postgres,Sqlite] [--terms narrow,broad,...]</c>.
/// </summary>
public static class SearchRunner
{
    private const int PageSize = 20;

    private const string Columns = "id, tenant_id, source, purchase_id, resource_id, user_id, customer, status, items, amount, amount_asset, " +
        "customer_email, shipping, metadata, created_at, updated_at, status_updated_at";

    /// <summary>The terms: name, text, and what share of the orders it matches.</summary>
    public static readonly (string Name, string Text, string Matches)[] Terms =
    [
        ("narrow", "buyer4242@", "1 order"),
        ("broad", "product-7", "2.2%"),
        ("none", "nomatch-zz", "0"),
        ("2-char", "42", "~10%"),
        ("non-ASCII", "müller", "0.1% (MÜLLER)"),
        ("% and _", "50%_off", "0.1% (50%_OFF)"),
    ];

    public static async Task RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var sizes = (args.Option("--sizes") ?? (quick ? "10000" : "10000,100000,1000000")).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var searches = int.Parse(args.Option("--searches") ?? (quick ? "5" : "60"), CultureInfo.InvariantCulture);
        var backends = (args.Option("--backends") ?? "Postgres,Sqlite").Split(',');
        var terms = args.Option("--terms") is { } t ? Terms.Where(x => t.Split(',').Contains(x.Name)).ToArray() : Terms;
        var artifacts = args.Option("--artifacts") ?? Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts", "results");

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# search {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $".NET {Environment.Version}, load {OpsSettings.LoadAverage()}; {searches} searches a side per term, interleaved");
        report.AppendLine();
        report.AppendLine("| orders | backend | term | total (storage / raw) | storage p50 / p99 ms | raw p50 / p99 ms | ratio p50 / p99 | storage bytes/search |");
        report.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|");
        Console.Write(report);
        foreach (var size in sizes)
        {
            foreach (var backend in backends)
            {
                await using var side = await SearchBackend.OpenAsync(backend, size);
                var seeded = string.Create(CultureInfo.InvariantCulture, $"// {backend} {size:N0}: seeded in {side.SeedTime.TotalSeconds:F1} s (0 = kept from an earlier run), load {OpsSettings.LoadAverage()}");
                Console.Error.WriteLine(seeded);
                report.Insert(report.ToString().IndexOf("| orders", StringComparison.Ordinal), seeded + "\n");
                foreach (var term in terms)
                {
                    var line = await MeasureAsync(side, size, backend, term.Name, term.Text, searches);
                    Console.WriteLine(line);
                    report.AppendLine(line);
                }
            }
        }
        var path = Path.Combine(artifacts, $"search-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.md");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllTextAsync(path, report.ToString());
        Console.Error.WriteLine($"Report: {path}");
    }

    private static async Task<string> MeasureAsync(SearchBackend side, int size, string backend, string name, string text, int searches)
    {
        var storage = new List<double>(searches);
        var raw = new List<double>(searches);
        var bytes = new List<long>(searches);
        long storageTotal = 0, rawTotal = 0;
        for (var warm = 0; warm < 2; warm++)
        {
            storageTotal = await side.StorageAsync(text);
            rawTotal = await side.RawAsync(text);
        }
        for (var i = 0; i < searches; i++)
        {
            var storageFirst = i % 4 is 0 or 3;
            for (var half = 0; half < 2; half++)
            {
                if ((half == 0) == storageFirst)
                {
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var start = Stopwatch.GetTimestamp();
                    await side.StorageAsync(text).ConfigureAwait(false);
                    storage.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    bytes.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
                }
                else
                {
                    var start = Stopwatch.GetTimestamp();
                    await side.RawAsync(text).ConfigureAwait(false);
                    raw.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }
        double P(List<double> v, double p) => AbStats.Percentile(v, p);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {size:N0} | {backend} | {name} `{text}` | {storageTotal:N0} / {rawTotal:N0} | {P(storage, 0.5):F2} / {P(storage, 0.99):F2} | " +
            $"{P(raw, 0.5):F2} / {P(raw, 0.99):F2} | {P(storage, 0.5) / P(raw, 0.5):F2} / {P(storage, 0.99) / P(raw, 0.99):F2} | " +
            $"{AbStats.Median(bytes.Select(b => (double)b)):N0} |");
    }

    /// <summary>One backend at one size: the storage as a user opens it and the raw baseline on the same data.</summary>
    private sealed class SearchBackend : IAsyncDisposable
    {
        private ICedrosStorage _storage = null!;
        private ITenantStorage _store = null!;
        private NpgsqlDataSource? _pg;
        private SqliteConnection? _lite;
        private SqliteCommand? _liteCount;
        private SqliteCommand? _litePage;

        public TimeSpan SeedTime { get; private set; }

        public static async Task<SearchBackend> OpenAsync(string backend, int size)
        {
            var side = new SearchBackend();
            var name = $"search-{size}";
            if (backend == "Postgres")
            {
                var database = $"cedros_bench_search_{size}";
                side._storage = await BenchEnv.OpenStorageAsync(BackendKind.Postgres, name, fresh: false, database);
                side._pg = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(BenchEnv.PostgresFor(database))
                {
                    MaxAutoPrepare = 16, AutoPrepareMinUsages = 2, NoResetOnClose = true,
                });
            }
            else
            {
                side._storage = await BenchEnv.OpenStorageAsync(BackendKind.SqliteNormal, name, fresh: false);
                side._lite = BenchEnv.OpenRawSqlite(BackendKind.SqliteNormal, name);
            }
            side._store = side._storage.ForTenant(BenchEnv.Tenant);
            side.SeedTime = await SearchSeeder.EnsureAsync(side._store, size, side._pg, side._lite);
            if (side._lite is not null)
            {
                const string where = @"tenant_id = @tenant AND (id LIKE @p ESCAPE '\' OR purchase_id LIKE @p ESCAPE '\' OR resource_id LIKE @p ESCAPE '\' " +
                    @"OR customer LIKE @p ESCAPE '\' OR customer_email LIKE @p ESCAPE '\')";
                side._liteCount = Prepare(side._lite, $"SELECT count(*) FROM orders WHERE {where}");
                side._litePage = Prepare(side._lite, $"SELECT {Columns} FROM orders WHERE {where} ORDER BY created_at DESC, id DESC LIMIT {PageSize}");
            }
            return side;
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add(new SqliteParameter("@tenant", BenchEnv.Tenant));
            command.Parameters.Add(new SqliteParameter("@p", ""));
            command.Prepare();
            return command;
        }

        public async Task<long> StorageAsync(string term) =>
            (await _store.ListOrdersFilteredAsync(null, term, null, null, PageSize, 0).ConfigureAwait(false)).Total;

        public async Task<long> RawAsync(string term)
        {
            var pattern = "%" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            if (_pg is not null)
            {
                const string where = "tenant_id = @tenant AND (id ILIKE @p OR purchase_id ILIKE @p OR resource_id ILIKE @p OR customer ILIKE @p OR customer_email ILIKE @p)";
                await using var connection = await _pg.OpenConnectionAsync().ConfigureAwait(false);
                await using var batch = new NpgsqlBatch(connection);
                foreach (var sql in new[] { $"SELECT count(*) FROM orders WHERE {where}",
                    $"SELECT {Columns} FROM orders WHERE {where} ORDER BY created_at DESC, id DESC LIMIT {PageSize}" })
                {
                    var command = new NpgsqlBatchCommand(sql);
                    command.Parameters.AddWithValue("tenant", BenchEnv.Tenant);
                    command.Parameters.AddWithValue("p", pattern);
                    batch.BatchCommands.Add(command);
                }
                await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
                await reader.ReadAsync().ConfigureAwait(false);
                var total = reader.GetInt64(0);
                await reader.NextResultAsync().ConfigureAwait(false);
                var values = new object[reader.FieldCount];
                while (await reader.ReadAsync().ConfigureAwait(false)) reader.GetValues(values);
                return total;
            }
            _liteCount!.Parameters[1].Value = pattern;
            _litePage!.Parameters[1].Value = pattern;
            var count = (long)_liteCount.ExecuteScalar()!;
            using (var reader = _litePage.ExecuteReader())
            {
                var values = new object[reader.FieldCount];
                while (reader.Read()) reader.GetValues(values);
            }
            return count;
        }

        public async ValueTask DisposeAsync()
        {
            _liteCount?.Dispose();
            _litePage?.Dispose();
            _lite?.Dispose();
            if (_pg is not null) await _pg.DisposeAsync();
            await _storage.DisposeAsync();
        }
    }
}
