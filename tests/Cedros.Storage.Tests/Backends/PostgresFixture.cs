using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Npgsql;

namespace Cedros.Storage.Tests.Backends;

/// <summary>
/// PostgreSQL from <c>CEDROS_TEST_POSTGRES</c> (start one with <c>scripts/test-postgres-start.sh</c>). Each storage gets
/// its own fresh schema (<c>Search Path=t_…,public</c>, so pg_trgm in <c>public</c> stays usable); the schemas are dropped
/// when the fixture is disposed. A missing server fails the tests: it never skips them.
/// </summary>
public class PostgresFixture : IStorageFixture, IProcessFixture, IDatabaseFixture, IReusableStorageFixture, IAsyncLifetime
{
    public const string EnvironmentVariable = "CEDROS_TEST_POSTGRES";

    private readonly ConcurrentBag<string> _schemas = [];
    private readonly ConditionalWeakTable<ICedrosStorage, StorageOptions> _opened = [];
    private readonly ConditionalWeakTable<ICedrosStorage, string> _schemaOf = [];
    private readonly Lazy<NpgsqlDataSource> _admin = new(() => NpgsqlDataSource.Create(BaseConnectionString));
    private readonly Lazy<Task> _extension;
    private readonly SchemaPool _pool;

    public PostgresFixture()
    {
        _pool = new SchemaPool(() => Admin);
        // pg_trgm must live in public: created from a test schema's search path it would be dropped with that schema.
        _extension = new(async () =>
        {
            await using var cmd = Admin.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
            try
            {
                await cmd.ExecuteNonQueryAsync();
            }
            catch (PostgresException ex) when (ex.SqlState == "23505")
            {
                // Another fixture created it at the same moment.
            }
        });
    }

    public virtual string Name => "postgres";

    /// <summary>The server's connection string, or a failure telling how to start one.</summary>
    public static string BaseConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: run eval \"export $(scripts/test-postgres-start.sh | tail -n1)\" first (PostgreSQL tests never skip).");

    private NpgsqlDataSource Admin => _admin.Value;

    /// <summary>Creates an empty schema and returns a connection string whose search path starts with it.</summary>
    public async Task<string> CreateSchemaAsync() => InSchema(await CreateSchemaNameAsync());

    private async Task<string> CreateSchemaNameAsync()
    {
        await _extension.Value;
        var schema = "t_" + Guid.NewGuid().ToString("N");
        await using (var cmd = Admin.CreateCommand($"CREATE SCHEMA \"{schema}\""))
            await cmd.ExecuteNonQueryAsync();
        _schemas.Add(schema);
        return schema;
    }

    private static string InSchema(string schema) =>
        new NpgsqlConnectionStringBuilder(BaseConnectionString) { SearchPath = $"{schema},public" }.ConnectionString;

    /// <summary>Options pointing at <paramref name="connectionString"/>, with this fixture's mapping.</summary>
    public StorageOptions Options(string connectionString, Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions { Backend = StorageBackend.Postgres };
        options.Postgres.ConnectionString = connectionString;
        options.Postgres.MaxPoolSize = 20;
        Map(options);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A fresh, empty, migrated storage: in a schema a finished test of this class released and that was
    /// emptied (<see cref="SchemaPool"/>) when the options are the fixture's own, else in a new schema.</summary>
    public async Task<ICedrosStorage> CreateStorageAsync(TimeProvider time, Action<StorageOptions>? configure = null)
    {
        var own = configure is null || SchemaPool.Key(Options("", configure), null) == SchemaPool.Key(Options(""), null);
        if (own && _pool.TryTake(out var reused))
        {
            var storage = await OpenTrackedAsync(Options(InSchema(reused), configure), time);
            _schemaOf.AddOrUpdate(storage, reused);
            await _pool.AdoptAsync(reused, MigrationsTable);
            return storage;
        }
        var schema = await CreateSchemaNameAsync();
        var opened = await OpenTrackedAsync(Options(InSchema(schema), configure), time);
        if (own)
        {
            _schemaOf.AddOrUpdate(opened, schema);
            await _pool.AdoptAsync(schema, MigrationsTable);
        }
        return opened;
    }

    private string MigrationsTable => Options("").ResolveTables().SchemaMigrations.Name;

    /// <summary>The test that opened <paramref name="storages"/> has finished: their schemas are emptied and reused
    /// by later tests of this class when they still are what a fresh schema is (<see cref="SchemaPool"/>).</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<ICedrosStorage> storages)
    {
        var schemas = new HashSet<string>(StringComparer.Ordinal);
        foreach (var storage in storages)
            if (_schemaOf.TryGetValue(storage, out var schema)) schemas.Add(schema);
        foreach (var schema in schemas) await _pool.ReleaseAsync(schema, MigrationsTable);
    }

    public async Task<ICedrosStorage> ReopenAsync(ICedrosStorage storage, TimeProvider time, Action<StorageOptions>? configure = null) =>
        await OpenTrackedAsync(Options(OptionsOf(storage).Postgres.ConnectionString!, configure), time);

    public async Task<PaymentTableCounts> CountPaymentRowsAsync(ICedrosStorage storage, IReadOnlyCollection<string> signatures)
    {
        var options = OptionsOf(storage);
        var tables = options.ResolveTables();
        var archive = tables.PaymentsArchive?.Quoted;
        var sql = $"""
            SELECT (SELECT count(*) FROM {tables.Payments.Quoted} WHERE signature = ANY(@s)),
                   {(archive is null ? "0" : $"(SELECT count(*) FROM {archive} WHERE signature = ANY(@s))")},
                   {(archive is null ? "0" : $"(SELECT count(*) FROM {tables.Payments.Quoted} h JOIN {archive} a USING (signature) WHERE h.signature = ANY(@s))")}
            """;
        await using var source = NpgsqlDataSource.Create(options.Postgres.ConnectionString!);
        await using var cmd = source.CreateCommand(sql);
        cmd.Parameters.AddWithValue("s", signatures.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new PaymentTableCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private async Task<ICedrosStorage> OpenTrackedAsync(StorageOptions options, TimeProvider time)
    {
        var storage = await PostgresStorage.OpenAsync(options, time);
        _opened.Add(storage, options);
        return storage;
    }

    private StorageOptions OptionsOf(ICedrosStorage storage) =>
        _opened.TryGetValue(storage, out var options) ? options : throw new InvalidOperationException("not a storage of this fixture.");

    /// <summary>A fresh schema that worker processes open with the default mapping.</summary>
    public async Task<ProcessTarget> CreateProcessTargetAsync() => new("postgres", await CreateSchemaAsync());

    public async Task<ICedrosStorage> OpenTargetAsync(ProcessTarget target, TimeProvider time) =>
        await PostgresStorage.OpenAsync(Options(target.Connection), time);

    /// <summary>Variants change the schema mapping here.</summary>
    protected virtual void Map(StorageOptions options)
    {
    }

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

/// <summary>Every table renamed through the schema mapping: proves no SQL hard-codes a table name.</summary>
public sealed class PostgresRenamedTablesFixture : PostgresFixture
{
    public override string Name => "postgres (renamed tables)";

    protected override void Map(StorageOptions options)
    {
        var m = options.SchemaMapping;
        m.Payments = "x_ledger";
        m.Sessions = "x_checkout_sessions";
        m.Products = "x_catalogue";
        m.Coupons = "x_discounts";
        m.CartQuotes = "x_carts";
        m.RefundQuotes = "x_refunds";
        m.AdminNonces = "x_nonces";
        m.WebhookQueue = "x_outbox";
        m.Orders = "x_purchases";
        m.OrderHistory = "x_purchase_history";
        m.Fulfillments = "x_shipments";
        m.InventoryReservations = "x_holds";
        m.Subscriptions = "x_plans";
        m.IdempotencyKeys = "x_idem";
        m.SchemaMigrations = "x_migrations";
        options.Archival.ArchiveTable = "x_ledger_old";
    }
}
