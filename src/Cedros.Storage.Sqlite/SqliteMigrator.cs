using System.Text.RegularExpressions;
using Cedros.Storage.Schema;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts in order. Each runs in its own <c>BEGIN IMMEDIATE</c>
/// transaction that first re-reads the history table, so concurrent migrators (in any process) are serialised by the
/// file lock and each version is applied exactly once. A changed already-applied script fails start-up.
/// </summary>
internal static partial class SqliteMigrator
{
    /// <summary>The embedded scripts, ordered by version.</summary>
    public static IReadOnlyList<MigrationScript> Scripts { get; } = MigrationScripts.Load(typeof(SqliteMigrator).Assembly);

    public static void Migrate(SqliteEngine engine, IReadOnlyList<MigrationScript>? scripts = null)
    {
        scripts ??= Scripts;
        var history = engine.Tables.SchemaMigrations.Quoted;
        using var connection = engine.Open();
        PooledExecutor.RunImmediate(connection, s => s.Execute($"""
            CREATE TABLE IF NOT EXISTS {history} (
                version INTEGER NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            )
            """));
        foreach (var script in scripts)
        {
            PooledExecutor.RunImmediate(connection, s =>
            {
                var applied = s.One($"SELECT checksum FROM {history} WHERE version = @version", r => r.GetString(0),
                    ("@version", script.Version));
                if (applied is not null)
                {
                    if (!string.Equals(applied, script.Checksum, StringComparison.OrdinalIgnoreCase))
                        throw new StorageException(StorageErrorKind.Internal,
                            $"migration {script.Version:D4}_{script.Name} was changed after it was applied (checksum differs); " +
                            "restore the original script and add a new migration instead.");
                    return 0;
                }
                s.Execute(Render(script.Text, engine.Tables));
                return s.Execute($"INSERT INTO {history} (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, @at)",
                    ("@version", script.Version), ("@name", script.Name), ("@checksum", script.Checksum), ("@at", engine.Now));
            });
        }
        var known = scripts.Count == 0 ? 0 : scripts.Max(s => s.Version);
        var newest = new SqliteSession(connection).Long($"SELECT max(version) FROM {history}");
        if (newest > known)
            throw new StorageException(StorageErrorKind.Internal,
                $"the database schema is at version {newest}, newer than this library knows ({known}); upgrade the library.");
        if (engine.Tables.PaymentsArchive is { } archive)
            PooledExecutor.RunImmediate(connection, s => s.Execute(ArchiveTableSql(archive)));
    }

    /// <summary>
    /// The payment archive table (its name is configuration that may change between starts, so it is ensured on every
    /// start rather than created by a versioned script).
    /// </summary>
    private static string ArchiveTableSql(TableName archive) => $"""
        CREATE TABLE IF NOT EXISTS {archive.Quoted} (
            signature TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL DEFAULT 'default',
            resource_id TEXT NOT NULL,
            wallet TEXT NOT NULL,
            amount INTEGER NOT NULL,
            amount_asset TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{"{}"}',
            archived_at INTEGER
        );
        CREATE INDEX IF NOT EXISTS {archive.Index("idx_{table}_tenant_created")} ON {archive.Quoted} (tenant_id, created_at);
        """;

    /// <summary>Replaces <c>{T:entity}</c> and <c>{I:entity:pattern}</c> with validated, quoted names.</summary>
    public static string Render(string text, ResolvedTables tables) => Placeholder().Replace(text, m =>
    {
        var table = Table(tables, m.Groups["entity"].Value);
        return m.Groups["kind"].Value == "T"
            ? table.Quoted
            : table.Index(m.Groups["pattern"].Value.Replace("%", "{table}", StringComparison.Ordinal));
    });

    private static TableName Table(ResolvedTables t, string entity) => entity switch
    {
        "payments" => t.Payments,
        "sessions" => t.Sessions,
        "products" => t.Products,
        "coupons" => t.Coupons,
        "cart_quotes" => t.CartQuotes,
        "refund_quotes" => t.RefundQuotes,
        "admin_nonces" => t.AdminNonces,
        "webhook_queue" => t.WebhookQueue,
        "orders" => t.Orders,
        "order_history" => t.OrderHistory,
        "fulfillments" => t.Fulfillments,
        "inventory_reservations" => t.InventoryReservations,
        "subscriptions" => t.Subscriptions,
        "idempotency_keys" => t.IdempotencyKeys,
        _ => throw new StorageException(StorageErrorKind.Internal, $"migration names an unknown entity '{entity}'."),
    };

    [GeneratedRegex(@"\{(?<kind>T|I):(?<entity>[a-z_]+)(?::(?<pattern>[A-Za-z0-9_%]+))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
