using System.Globalization;
using Cedros.Storage.Schema;
using Microsoft.Extensions.Configuration;

namespace Cedros.Storage.Configuration;

/// <summary>
/// Binds <see cref="StorageOptions"/> from the <c>storage</c> configuration section, key by key (snake_case keys, as in
/// the seed). Written by hand rather than with the reflection binder so that every key, its environment fallback and
/// its error message are visible in one place.
/// </summary>
/// <remarks>
/// Rules: a key that is absent, empty or whitespace keeps its default (except <c>storage.archival.archive_table</c>,
/// where an empty value means "delete instead of archive"). A configuration key wins over its environment variable
/// (<see cref="StorageEnvironment"/>); for the connection string the order is <c>storage.postgres.connection_string</c>,
/// then <c>CEDROS_STORAGE_POSTGRES_URL</c>, then <c>POSTGRES_URL</c>. A value that does not parse, or an unknown key
/// under <c>storage</c> (usually a typo), throws <see cref="StorageConfigurationException"/> naming the key (or the
/// environment variable the value came from). Semantic checks (ranges, table names, required connection string) are
/// <see cref="StorageOptionsValidator"/>'s job.
/// </remarks>
internal static class StorageOptionsBinder
{
    /// <summary>The configuration section: <c>storage</c>.</summary>
    public const string SectionName = "storage";

    private static readonly string[] FixedKeys =
    [
        "backend", "migrations",
        "sqlite:path", "sqlite:synchronous", "sqlite:busy_timeout", "sqlite:mmap_size",
        "postgres:connection_string", "postgres:max_pool_size", "postgres:min_pool_size", "postgres:command_timeout", "postgres:prepared_statements",
        "webhooks:visibility_timeout",
        "archival:enabled", "archival:retention_period", "archival:run_interval", "archival:archive_table",
        "cleanup:enabled", "cleanup:interval", "cleanup:completed_webhook_retention",
        "caching:enabled", "caching:ttl",
        "housekeeping_batch_size",
        "observability:slow_call_threshold",
    ];

    /// <summary>Every key this binder understands, relative to <c>storage</c> and <c>:</c>-separated.</summary>
    public static IReadOnlyList<string> KnownKeys { get; } =
    [
        .. FixedKeys,
        .. new SchemaMapping().Entries().Select(e => $"schema_mapping:{e.Entity}:table_name"),
    ];

    /// <summary>Binds new options from <paramref name="configuration"/>'s <c>storage</c> section.</summary>
    /// <param name="configuration">The configuration root (the section <c>storage</c> is read from it), or the
    /// <c>storage</c> section itself.</param>
    /// <param name="environment">Reads an environment variable; default: the process environment.</param>
    public static StorageOptions Bind(IConfiguration configuration, Func<string, string?>? environment = null)
    {
        var options = new StorageOptions();
        Bind(configuration, options, environment);
        return options;
    }

    /// <summary>Binds into existing <paramref name="options"/>; keys not configured keep their current values.</summary>
    /// <param name="configuration">The configuration root (the section <c>storage</c> is read from it), or the
    /// <c>storage</c> section itself.</param>
    /// <param name="options">The options to fill.</param>
    /// <param name="environment">Reads an environment variable; default: the process environment.</param>
    public static void Bind(IConfiguration configuration, StorageOptions options, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        // Accept the "storage" section itself as well as its parent, so passing either binds the same keys.
        var section = configuration is IConfigurationSection { Key: var key } given && key.Equals(SectionName, StringComparison.OrdinalIgnoreCase)
            ? given
            : configuration.GetSection(SectionName);
        RejectUnknownKeys(section);
        // ConnectionStrings:Cedros is a sibling of "storage": reachable only when the root (not the section) is given.
        var connectionStrings = ReferenceEquals(section, configuration) ? null : configuration.GetSection("ConnectionStrings");
        BindCore(section, options, environment ?? StorageEnvironment.Process, connectionStrings);
    }

    /// <summary>
    /// Applies only the environment variables (<see cref="StorageEnvironment"/>) to <paramref name="options"/>; used when
    /// options come from code rather than configuration, so the seed's variables still work.
    /// </summary>
    /// <param name="options">The options to fill.</param>
    /// <param name="environment">Reads an environment variable; default: the process environment.</param>
    public static void BindEnvironment(StorageOptions options, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        BindCore(null, options, environment ?? StorageEnvironment.Process);
    }

    /// <summary>The name under <c>ConnectionStrings</c> read as the PostgreSQL connection string: <c>Cedros</c>.</summary>
    public const string ConnectionStringName = "Cedros";

    private static void BindCore(IConfigurationSection? section, StorageOptions options, Func<string, string?> environment,
        IConfigurationSection? connectionStrings = null)
    {
        var r = new Reader(section, environment);

        r.Backend("backend", v => options.Backend = v);
        r.Migrations("migrations", v => options.Migrations = v);

        r.Text("sqlite:path", v => options.Sqlite.Path = v);
        r.Synchronous("sqlite:synchronous", v => options.Sqlite.Synchronous = v);
        r.Duration("sqlite:busy_timeout", null, v => options.Sqlite.BusyTimeout = v);
        r.Long("sqlite:mmap_size", v => options.Sqlite.MmapSize = v);

        r.Text("postgres:connection_string", v => options.Postgres.ConnectionString = v,
            StorageEnvironment.CedrosPostgresUrl, StorageEnvironment.PostgresUrl);
        // .NET's convention (ConnectionStrings:Cedros, GetConnectionString("Cedros")) ranks just below the storage key.
        if (string.IsNullOrWhiteSpace(section?["postgres:connection_string"]) && string.IsNullOrWhiteSpace(section?["postgres:connectionstring"])
            && connectionStrings?[ConnectionStringName] is { } named && !string.IsNullOrWhiteSpace(named))
            options.Postgres.ConnectionString = named.Trim();
        r.Int("postgres:max_pool_size", v => options.Postgres.MaxPoolSize = v);
        r.Int("postgres:min_pool_size", v => options.Postgres.MinPoolSize = v);
        r.Duration("postgres:command_timeout", null, v => options.Postgres.CommandTimeout = v);
        r.Bool("postgres:prepared_statements", null, v => options.Postgres.PreparedStatements = v);

        r.Duration("webhooks:visibility_timeout", null, v => options.Webhooks.VisibilityTimeout = v);

        foreach (var (entity, _) in options.SchemaMapping.Entries())
            r.Text($"schema_mapping:{entity}:table_name", v => SetTable(options.SchemaMapping, entity, v));

        r.Bool("archival:enabled", StorageEnvironment.ArchivalEnabled, v => options.Archival.Enabled = v);
        r.Duration("archival:retention_period", StorageEnvironment.ArchivalRetentionPeriod, v => options.Archival.RetentionPeriod = v);
        r.Duration("archival:run_interval", StorageEnvironment.ArchivalRunInterval, v => options.Archival.RunInterval = v);
        var archiveTable = section is null ? null : Lookup(section, "archival:archive_table");
        if (archiveTable is not null)
            options.Archival.ArchiveTable = archiveTable.Value.Value.Trim();

        r.Bool("cleanup:enabled", null, v => options.Cleanup.Enabled = v);
        r.Duration("cleanup:interval", null, v => options.Cleanup.Interval = v);
        r.Duration("cleanup:completed_webhook_retention", null, v => options.Cleanup.CompletedWebhookRetention = v);

        r.Bool("caching:enabled", null, v => options.Caching.Enabled = v);
        r.Duration("caching:ttl", null, v => options.Caching.Ttl = v);

        r.Int("housekeeping_batch_size", v => options.HousekeepingBatchSize = v);

        r.Duration("observability:slow_call_threshold", null, v => options.Observability.SlowCallThreshold = v);
    }

    /// <summary>The dotted name of a key for messages, e.g. <c>storage.sqlite.path</c>.</summary>
    internal static string KeyName(string relativePath) => $"{SectionName}.{relativePath.Replace(':', '.')}";

    /// <summary>A key path without underscores: <c>postgres:connection_string</c> and <c>Postgres:ConnectionString</c>
    /// both read as <c>postgres:connectionstring</c> (configuration keys are case-insensitive).</summary>
    private static string Unsnake(string path) => path.Replace("_", "", StringComparison.Ordinal);

    /// <summary>
    /// The value of <paramref name="path"/> in its snake_case spelling (the seed's) or its PascalCase one (.NET's,
    /// e.g. <c>Archival:RetentionPeriod</c>); both set to different values → <see cref="StorageConfigurationException"/>.
    /// </summary>
    private static (string Key, string Value)? Lookup(IConfigurationSection section, string path)
    {
        var snake = section[path];
        var pascalPath = Unsnake(path);
        var pascal = pascalPath == path ? null : section[pascalPath];
        if (snake is not null && pascal is not null && !string.Equals(snake.Trim(), pascal.Trim(), StringComparison.Ordinal))
            throw new StorageConfigurationException(KeyName(path),
                $"set twice with different values, as '{KeyName(path)}' and in PascalCase as '{KeyName(pascalPath)}'; keep one.");
        return snake is not null ? (KeyName(path), snake) : pascal is not null ? (KeyName(path), pascal) : null;
    }

    private static void RejectUnknownKeys(IConfigurationSection section)
    {
        var known = new HashSet<string>(KnownKeys.Concat(KnownKeys.Select(Unsnake)), StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is null || known.Contains(path))
                continue;
            // An empty value on a section that holds keys (WebApplicationFactory's UseSetting("storage:sqlite:path", …)
            // also sets "storage:sqlite" to "", and so does a JSON "postgres": {}) is structure, not a key.
            if (value.Length == 0 && (section.GetSection(path).GetChildren().Any()
                    || known.Any(k => k.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase))))
                continue;
            throw new StorageConfigurationException(KeyName(path),
                "unknown key (a typo?); see docs/configuration.md for the keys under 'storage'.");
        }
    }

    private static void SetTable(SchemaMapping mapping, string entity, string value)
    {
        switch (entity)
        {
            case "payments": mapping.Payments = value; break;
            case "sessions": mapping.Sessions = value; break;
            case "products": mapping.Products = value; break;
            case "coupons": mapping.Coupons = value; break;
            case "cart_quotes": mapping.CartQuotes = value; break;
            case "refund_quotes": mapping.RefundQuotes = value; break;
            case "admin_nonces": mapping.AdminNonces = value; break;
            case "webhook_queue": mapping.WebhookQueue = value; break;
            case "orders": mapping.Orders = value; break;
            case "order_history": mapping.OrderHistory = value; break;
            case "fulfillments": mapping.Fulfillments = value; break;
            case "inventory_reservations": mapping.InventoryReservations = value; break;
            case "subscriptions": mapping.Subscriptions = value; break;
            case "idempotency_keys": mapping.IdempotencyKeys = value; break;
            case "schema_migrations": mapping.SchemaMigrations = value; break;
            default:
                throw new InvalidOperationException($"SchemaMapping entity '{entity}' has no binding; add it to StorageOptionsBinder.");
        }
    }

    /// <summary>Reads one key: configuration first, then the environment variables given, in order.</summary>
    private sealed class Reader(IConfigurationSection? section, Func<string, string?> environment)
    {
        public void Text(string path, Action<string> set, params string[] environmentVariables)
        {
            if (Read(path, environmentVariables) is { } found)
                set(found.Value);
        }

        public void Int(string path, Action<int> set)
        {
            if (Read(path, []) is not { } found)
                return;
            if (!int.TryParse(found.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                throw new StorageConfigurationException(found.Key, $"'{found.Value}' is not an integer.");
            set(value);
        }

        public void Long(string path, Action<long> set)
        {
            if (Read(path, []) is not { } found)
                return;
            if (!long.TryParse(found.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                throw new StorageConfigurationException(found.Key, $"'{found.Value}' is not an integer.");
            set(value);
        }

        public void Bool(string path, string? environmentVariable, Action<bool> set)
        {
            if (Read(path, environmentVariable is null ? [] : [environmentVariable]) is not { } found)
                return;
            set(found.Value.ToUpperInvariant() switch
            {
                "TRUE" or "T" or "1" => true,
                "FALSE" or "F" or "0" => false,
                _ => throw new StorageConfigurationException(found.Key, $"'{found.Value}' is not a boolean (true or false)."),
            });
        }

        public void Duration(string path, string? environmentVariable, Action<TimeSpan> set)
        {
            if (Read(path, environmentVariable is null ? [] : [environmentVariable]) is { } found)
                set(DurationParser.Parse(found.Value, found.Key));
        }

        public void Backend(string path, Action<StorageBackend> set)
        {
            if (Read(path, []) is not { } found)
                return;
            set(found.Value.ToUpperInvariant() switch
            {
                "SQLITE" => StorageBackend.Sqlite,
                "POSTGRES" or "POSTGRESQL" => StorageBackend.Postgres,
                "MEMORY" => StorageBackend.Memory,
                _ => throw new StorageConfigurationException(found.Key, $"'{found.Value}' is not a backend (sqlite, postgres or memory)."),
            });
        }

        public void Migrations(string path, Action<MigrationPolicy> set)
        {
            if (Read(path, []) is not { } found)
                return;
            set(found.Value.ToUpperInvariant() switch
            {
                "APPLY" => MigrationPolicy.Apply,
                "VERIFY" => MigrationPolicy.Verify,
                "NONE" => MigrationPolicy.None,
                _ => throw new StorageConfigurationException(found.Key, $"'{found.Value}' is not a migration policy (apply, verify or none)."),
            });
        }

        public void Synchronous(string path, Action<SqliteSynchronous> set)
        {
            if (Read(path, []) is not { } found)
                return;
            set(found.Value.ToUpperInvariant() switch
            {
                "FULL" => SqliteSynchronous.Full,
                "NORMAL" => SqliteSynchronous.Normal,
                _ => throw new StorageConfigurationException(found.Key, $"'{found.Value}' is not a synchronous level (full or normal)."),
            });
        }

        private (string Key, string Value)? Read(string path, string[] environmentVariables)
        {
            if (section is not null && Lookup(section, path) is { } configured && !string.IsNullOrWhiteSpace(configured.Value))
                return (configured.Key, configured.Value.Trim());
            foreach (var variable in environmentVariables)
            {
                var value = environment(variable);
                if (!string.IsNullOrWhiteSpace(value))
                    return (variable, value.Trim());
            }
            return null;
        }
    }
}
