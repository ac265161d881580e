using System.Globalization;
using System.Text.RegularExpressions;
using Cedros.Storage.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cedros.Storage.Cli;

/// <summary>Options given on the command line that override the configuration.</summary>
internal sealed record StorageOverrides(string? ConfigPath, StorageBackend? Backend, string? SqlitePath, string? ConnectionString);

/// <summary>
/// The one seam between the tool and configuration binding: section <c>storage</c> of an optional appsettings file,
/// then environment variables (<c>storage__…</c> and the seed's <c>CEDROS_STORAGE_ARCHIVAL_*</c>, <c>POSTGRES_URL</c>,
/// <c>CEDROS_STORAGE_POSTGRES_URL</c>), then the command-line overrides.
/// </summary>
/// <remarks>
/// Interim adapter: binds the keys the tool needs by hand and parses Go-style durations locally. When the core's
/// configuration binder lands, this file delegates to it and nothing else in the tool changes.
/// </remarks>
internal static partial class StorageOptionsLoader
{
    /// <summary>Builds validated options; invalid configuration → <see cref="StorageConfigurationException"/> naming the key.</summary>
    public static StorageOptions Load(StorageOverrides overrides)
    {
        var storage = BuildConfiguration(overrides.ConfigPath).GetSection("storage");
        var options = Bind(storage);
        ApplySeedEnvironment(options);
        if (overrides.Backend is { } backend) options.Backend = backend;
        if (overrides.SqlitePath is { } path) options.Sqlite.Path = path;
        if (overrides.ConnectionString is { } cs) options.Postgres.ConnectionString = cs;
        options.Postgres.ConnectionString = NormalizeConnectionString(options.Postgres.ConnectionString);
        Validate(options);
        return options;
    }

    /// <summary>Parses a Go-style duration (<c>2160h</c>, <c>90m</c>, <c>1h30m</c>, <c>1.5s</c>) or a .NET TimeSpan
    /// (<c>1.00:00:00</c>). Negative values are refused.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text == "0") return true;
        var match = GoDuration().Match(text);
        if (match.Success)
        {
            double ticks = 0;
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var unitStart = part.Value.IndexOfAny(['n', 'u', 'µ', 'm', 's', 'h']);
                var number = double.Parse(part.Value[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                ticks += number * UnitTicks(part.Value[unitStart..]);
            }
            if (ticks > TimeSpan.MaxValue.Ticks) return false;
            value = TimeSpan.FromTicks((long)ticks);
            return true;
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var ts) && ts >= TimeSpan.Zero)
        {
            value = ts;
            return true;
        }
        return false;
    }

    private static double UnitTicks(string unit) => unit switch
    {
        "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
        "us" or "µs" => TimeSpan.TicksPerMicrosecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        _ => TimeSpan.TicksPerHour,
    };

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex GoDuration();

    private static IConfiguration BuildConfiguration(string? configPath)
    {
        var builder = new ConfigurationBuilder();
        if (configPath is not null)
        {
            var full = Path.GetFullPath(configPath);
            if (!File.Exists(full))
                throw new StorageConfigurationException("--config", $"file '{configPath}' does not exist.");
            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables();
        try
        {
            return builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new StorageConfigurationException("--config", $"file '{configPath}' is not valid JSON: {ex.Message}");
        }
    }

    private static StorageOptions Bind(IConfigurationSection s)
    {
        var o = new StorageOptions();
        if (s["backend"] is { } backend) o.Backend = ParseBackend(backend, "storage.backend");
        if (s["sqlite:path"] is { } path) o.Sqlite.Path = path;
        if (s["sqlite:synchronous"] is { } sync) o.Sqlite.Synchronous = ParseSynchronous(sync);
        Duration(s, "sqlite:busy_timeout", v => o.Sqlite.BusyTimeout = v);
        if (s["postgres:connection_string"] is { } cs) o.Postgres.ConnectionString = cs;
        Int(s, "postgres:max_pool_size", v => o.Postgres.MaxPoolSize = v);
        Int(s, "postgres:min_pool_size", v => o.Postgres.MinPoolSize = v);
        Duration(s, "postgres:command_timeout", v => o.Postgres.CommandTimeout = v);
        Duration(s, "webhooks:visibility_timeout", v => o.Webhooks.VisibilityTimeout = v);
        Bool(s, "archival:enabled", v => o.Archival.Enabled = v);
        Duration(s, "archival:retention_period", v => o.Archival.RetentionPeriod = v);
        Duration(s, "archival:run_interval", v => o.Archival.RunInterval = v);
        if (s.GetSection("archival:archive_table") is { Value: { } archive }) o.Archival.ArchiveTable = archive;
        Bool(s, "cleanup:enabled", v => o.Cleanup.Enabled = v);
        Duration(s, "cleanup:interval", v => o.Cleanup.Interval = v);
        Duration(s, "cleanup:completed_webhook_retention", v => o.Cleanup.CompletedWebhookRetention = v);
        Int(s, "housekeeping_batch_size", v => o.HousekeepingBatchSize = v);
        foreach (var (entity, _) in o.SchemaMapping.Entries().ToList())
        {
            if (s[$"schema_mapping:{entity}:table_name"] is { } table) SetTable(o.SchemaMapping, entity, table);
        }
        return o;
    }

    private static void ApplySeedEnvironment(StorageOptions o)
    {
        if (Env("CEDROS_STORAGE_ARCHIVAL_ENABLED") is { } enabled)
            o.Archival.Enabled = ParseBool(enabled, "CEDROS_STORAGE_ARCHIVAL_ENABLED");
        if (Env("CEDROS_STORAGE_ARCHIVAL_RETENTION_PERIOD") is { } retention)
            o.Archival.RetentionPeriod = ParseDuration(retention, "CEDROS_STORAGE_ARCHIVAL_RETENTION_PERIOD");
        if (Env("CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL") is { } interval)
            o.Archival.RunInterval = ParseDuration(interval, "CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL");
        if ((Env("CEDROS_STORAGE_POSTGRES_URL") ?? Env("POSTGRES_URL")) is { } url)
            o.Postgres.ConnectionString = url;
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static void Validate(StorageOptions o)
    {
        if (o.Backend == StorageBackend.Sqlite && string.IsNullOrWhiteSpace(o.Sqlite.Path))
            throw new StorageConfigurationException("storage.sqlite.path", "must not be empty.");
        if (o.Backend == StorageBackend.Postgres && string.IsNullOrWhiteSpace(o.Postgres.ConnectionString))
            throw new StorageConfigurationException("storage.postgres.connection_string",
                "is required when storage.backend is postgres (or set POSTGRES_URL / --connection-string).");
        if (o.Postgres.MaxPoolSize < 1)
            throw new StorageConfigurationException("storage.postgres.max_pool_size", "must be at least 1.");
        if (o.Postgres.MinPoolSize < 0 || o.Postgres.MinPoolSize > o.Postgres.MaxPoolSize)
            throw new StorageConfigurationException("storage.postgres.min_pool_size", "must be between 0 and max_pool_size.");
        if (o.HousekeepingBatchSize < 1)
            throw new StorageConfigurationException("storage.housekeeping_batch_size", "must be at least 1.");
        if (o.Archival.RetentionPeriod <= TimeSpan.Zero)
            throw new StorageConfigurationException("storage.archival.retention_period", "must be positive.");
        if (o.Webhooks.VisibilityTimeout <= TimeSpan.Zero)
            throw new StorageConfigurationException("storage.webhooks.visibility_timeout", "must be positive.");
        o.ResolveTables();
    }

    /// <summary>Turns a <c>postgres://user:pass@host:port/db?sslmode=…</c> URL into Npgsql key=value form (password
    /// percent-decoded, sslmode kept); key=value strings pass through.</summary>
    internal static string? NormalizeConnectionString(string? value)
    {
        if (value is null || !(value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
                               || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)))
            return value;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
            throw new StorageConfigurationException("storage.postgres.connection_string", "is not a valid postgres:// URL.");
        var parts = new List<string> { $"Host={uri.Host}" };
        if (!uri.IsDefaultPort && uri.Port > 0) parts.Add($"Port={uri.Port}");
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0) parts.Add($"Username={Quote(Uri.UnescapeDataString(userInfo[0]))}");
        if (userInfo.Length == 2) parts.Add($"Password={Quote(Uri.UnescapeDataString(userInfo[1]))}");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) parts.Add($"Database={Quote(database)}");
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2 && kv[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase))
                parts.Add($"SSL Mode={Quote(Uri.UnescapeDataString(kv[1]))}");
        }
        return string.Join(';', parts);
    }

    private static string Quote(string value) =>
        value.IndexOfAny([';', '=', '"', '\'', ' ']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static StorageBackend ParseBackend(string text, string key) => text.Trim().ToLowerInvariant() switch
    {
        "sqlite" => StorageBackend.Sqlite,
        "postgres" or "postgresql" => StorageBackend.Postgres,
        "memory" => StorageBackend.Memory,
        _ => throw new StorageConfigurationException(key, $"'{text}' is not one of sqlite, postgres, memory."),
    };

    private static SqliteSynchronous ParseSynchronous(string text) => text.Trim().ToLowerInvariant() switch
    {
        "full" => SqliteSynchronous.Full,
        "normal" => SqliteSynchronous.Normal,
        _ => throw new StorageConfigurationException("storage.sqlite.synchronous", $"'{text}' is not one of full, normal."),
    };

    private static TimeSpan ParseDuration(string text, string key) => TryParseDuration(text, out var value)
        ? value
        : throw new StorageConfigurationException(key, $"'{text}' is not a duration (e.g. 2160h, 90m, 1h30m).");

    private static bool ParseBool(string text, string key) => bool.TryParse(text.Trim(), out var value)
        ? value
        : text.Trim() switch
        {
            "1" => true,
            "0" => false,
            _ => throw new StorageConfigurationException(key, $"'{text}' is not true or false."),
        };

    private static string KeyOf(string path) => "storage." + path.Replace(':', '.');

    private static void Duration(IConfigurationSection s, string path, Action<TimeSpan> set)
    {
        if (s[path] is { } text) set(ParseDuration(text, KeyOf(path)));
    }

    private static void Bool(IConfigurationSection s, string path, Action<bool> set)
    {
        if (s[path] is { } text) set(ParseBool(text, KeyOf(path)));
    }

    private static void Int(IConfigurationSection s, string path, Action<int> set)
    {
        if (s[path] is not { } text) return;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new StorageConfigurationException(KeyOf(path), $"'{text}' is not an integer.");
        set(value);
    }

    private static void SetTable(Schema.SchemaMapping m, string entity, string table)
    {
        switch (entity)
        {
            case "payments": m.Payments = table; break;
            case "sessions": m.Sessions = table; break;
            case "products": m.Products = table; break;
            case "coupons": m.Coupons = table; break;
            case "cart_quotes": m.CartQuotes = table; break;
            case "refund_quotes": m.RefundQuotes = table; break;
            case "admin_nonces": m.AdminNonces = table; break;
            case "webhook_queue": m.WebhookQueue = table; break;
            case "orders": m.Orders = table; break;
            case "order_history": m.OrderHistory = table; break;
            case "fulfillments": m.Fulfillments = table; break;
            case "inventory_reservations": m.InventoryReservations = table; break;
            case "subscriptions": m.Subscriptions = table; break;
            case "idempotency_keys": m.IdempotencyKeys = table; break;
            case "schema_migrations": m.SchemaMigrations = table; break;
            default: break;
        }
    }
}
