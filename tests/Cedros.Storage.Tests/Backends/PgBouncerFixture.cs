using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Npgsql;

namespace Cedros.Storage.Tests.Backends;

/// <summary>
/// PostgreSQL through PgBouncer in transaction pool mode, from <c>CEDROS_TEST_PGBOUNCER</c> (start one with
/// <c>scripts/test-pgbouncer-start.sh</c>); the schemas are created and dropped through the direct server of
/// <c>CEDROS_TEST_POSTGRES</c>. PgBouncer 1.18 refuses a <c>search_path</c> startup parameter, so every storage is isolated
/// by mapping every table (and the archive table) to a fresh schema: <c>t_….payment_transactions</c> and so on, through
/// the schema mapping as an application would. The connection string is used as given (the documented setting of
/// docs/scaling.md: no <c>Search Path</c>, no <c>Max Auto Prepare</c>). A missing PgBouncer fails the tests: it never
/// skips them.
/// </summary>
public sealed class PgBouncerFixture : IStorageFixture, IDatabaseFixture, IReusableStorageFixture, IAsyncLifetime
{
    public const string EnvironmentVariable = "CEDROS_TEST_PGBOUNCER";

    private readonly ConcurrentBag<string> _schemas = [];
    private readonly ConditionalWeakTable<ICedrosStorage, Opened> _opened = [];
    private readonly ConcurrentDictionary<string, bool> _ownOptions = new(StringComparer.Ordinal);
    private readonly Lazy<NpgsqlDataSource> _admin = new(() => NpgsqlDataSource.Create(PostgresFixture.BaseConnectionString));
    private readonly SchemaPool _pool;

    public PgBouncerFixture() => _pool = new SchemaPool(() => Admin);

    private sealed record Opened(StorageOptions Options, string Schema);

    public string Name => "postgres (through pgbouncer, transaction mode)";

    /// <summary>PgBouncer's connection string, or a failure telling how to start one.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: run eval \"export $(scripts/test-pgbouncer-start.sh | tail -n1)\" first (PgBouncer tests never skip).");

    private NpgsqlDataSource Admin => _admin.Value;

    /// <summary>Creates an empty schema through the direct server (pg_trgm stays in public, created there once).</summary>
    public async Task<string> CreateSchemaAsync()
    {
        var schema = "b_" + Guid.NewGuid().ToString("N");
        await using (var cmd = Admin.CreateCommand($"CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public; CREATE SCHEMA \"{schema}\""))
        {
            try
            {
                await cmd.ExecuteNonQueryAsync();
            }
            catch (PostgresException ex) when (ex.SqlState == "23505")
            {
                // Another fixture created pg_trgm at the same moment: create just the schema.
                await using var again = Admin.CreateCommand($"CREATE SCHEMA \"{schema}\"");
                await again.ExecuteNonQueryAsync();
            }
        }
        _schemas.Add(schema);
        return schema;
    }

    /// <summary>Options through PgBouncer with every table in <paramref name="schema"/>: a test's own names (set by
    /// <paramref name="configure"/>) are qualified with it too, as the search path would have placed them.</summary>
    public static StorageOptions Options(string schema, Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions { Backend = StorageBackend.Postgres };
        options.Postgres.ConnectionString = ConnectionString;
        options.Postgres.MaxPoolSize = 20;
        // The documented setting for PgBouncer before 1.21 in transaction mode (docs/scaling.md).
        options.Postgres.PreparedStatements = false;
        configure?.Invoke(options);
        Qualify(options, schema);
        return options;
    }

    /// <summary>Maps every table (and the archive table) of <paramref name="options"/> into <paramref name="schema"/>.</summary>
    internal static void Qualify(StorageOptions options, string schema)
    {
        string Q(string name) => name.Contains('.', StringComparison.Ordinal) ? name : $"{schema}.{name}";
        var m = options.SchemaMapping;
        m.Payments = Q(m.Payments);
        m.Sessions = Q(m.Sessions);
        m.Products = Q(m.Products);
        m.Coupons = Q(m.Coupons);
        m.CartQuotes = Q(m.CartQuotes);
        m.RefundQuotes = Q(m.RefundQuotes);
        m.AdminNonces = Q(m.AdminNonces);
        m.WebhookQueue = Q(m.WebhookQueue);
        m.Orders = Q(m.Orders);
        m.OrderHistory = Q(m.OrderHistory);
        m.Fulfillments = Q(m.Fulfillments);
        m.InventoryReservations = Q(m.InventoryReservations);
        m.Subscriptions = Q(m.Subscriptions);
        m.IdempotencyKeys = Q(m.IdempotencyKeys);
        m.SchemaMigrations = Q(m.SchemaMigrations);
        // null = the default "<payments>_archive", which follows the qualified ledger name; "" = archival deletes.
        if (options.Archival.ArchiveTable is { Length: > 0 } archive) options.Archival.ArchiveTable = Q(archive);
    }

    /// <summary>A fresh, empty, migrated storage: in a schema a finished test of this class released and that was
    /// emptied (<see cref="SchemaPool"/>) when the options are the fixture's own, else in a new schema.</summary>
    public async Task<ICedrosStorage> CreateStorageAsync(TimeProvider time, Action<StorageOptions>? configure = null)
    {
        const string probe = "b_probe";
        var own = configure is null || SchemaPool.Key(Options(probe, configure), probe) == SchemaPool.Key(Options(probe), probe);
        string? free = null;
        var schema = own && _pool.TryTake(out free) ? free : await CreateSchemaAsync();
        var storage = await OpenTrackedAsync(Options(schema, configure), schema, time);
        if (own)
        {
            _ownOptions[schema] = true;
            await _pool.AdoptAsync(schema, MigrationsTable);
        }
        return storage;
    }

    private const string MigrationsTable = "schema_migrations";

    /// <summary>The test that opened <paramref name="storages"/> has finished: their schemas are emptied and reused
    /// by later tests of this class when they still are what a fresh schema is (<see cref="SchemaPool"/>).</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<ICedrosStorage> storages)
    {
        var schemas = new HashSet<string>(StringComparer.Ordinal);
        foreach (var storage in storages)
            if (_opened.TryGetValue(storage, out var opened) && _ownOptions.TryRemove(opened.Schema, out _)) schemas.Add(opened.Schema);
        foreach (var schema in schemas) await _pool.ReleaseAsync(schema, MigrationsTable);
    }

    public async Task<ICedrosStorage> ReopenAsync(ICedrosStorage storage, TimeProvider time, Action<StorageOptions>? configure = null) =>
        await OpenTrackedAsync(Options(OpenedOf(storage).Schema, configure), OpenedOf(storage).Schema, time);

    public async Task<PaymentTableCounts> CountPaymentRowsAsync(ICedrosStorage storage, IReadOnlyCollection<string> signatures)
    {
        var tables = OpenedOf(storage).Options.ResolveTables();
        var archive = tables.PaymentsArchive?.Quoted;
        var sql = $"""
            SELECT (SELECT count(*) FROM {tables.Payments.Quoted} WHERE signature = ANY(@s)),
                   {(archive is null ? "0" : $"(SELECT count(*) FROM {archive} WHERE signature = ANY(@s))")},
                   {(archive is null ? "0" : $"(SELECT count(*) FROM {tables.Payments.Quoted} h JOIN {archive} a USING (signature) WHERE h.signature = ANY(@s))")}
            """;
        await using var cmd = Admin.CreateCommand(sql);
        cmd.Parameters.AddWithValue("s", signatures.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new PaymentTableCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Opens a storage on <paramref name="options"/> (already qualified), tracked for reopen and counting.</summary>
    public async Task<ICedrosStorage> OpenTrackedAsync(StorageOptions options, string schema, TimeProvider time)
    {
        var storage = await PostgresStorage.OpenAsync(options, time);
        _opened.Add(storage, new Opened(options, schema));
        return storage;
    }

    /// <summary>A query on the direct server (not through PgBouncer), for checks of what the storages wrote.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = Admin.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Opened OpenedOf(ICedrosStorage storage) =>
        _opened.TryGetValue(storage, out var opened) ? opened : throw new InvalidOperationException("not a storage of this fixture.");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (!_admin.IsValueCreated) return;
        foreach (var schema in _schemas)
        {
            await using var cmd = Admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            await cmd.ExecuteNonQueryAsync();
        }
        await Admin.DisposeAsync();
    }
}
