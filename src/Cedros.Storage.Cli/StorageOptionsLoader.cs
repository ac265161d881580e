using Cedros.Storage.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cedros.Storage.Cli;

/// <summary>Options given on the command line that override the configuration.</summary>
internal sealed record StorageOverrides(string? ConfigPath, StorageBackend? Backend, string? SqlitePath, string? ConnectionString);

/// <summary>
/// The one seam between the tool and configuration: section <c>storage</c> of an optional appsettings file and of the
/// environment (<c>storage__…</c>), bound by the library's <see cref="StorageOptionsBinder"/> exactly as a server binds
/// it (including the seed's <c>CEDROS_STORAGE_ARCHIVAL_*</c>, <c>CEDROS_STORAGE_POSTGRES_URL</c> and <c>POSTGRES_URL</c>
/// fallbacks), then the command-line overrides, then <see cref="StorageOptionsValidator"/>.
/// </summary>
internal static class StorageOptionsLoader
{
    /// <summary>Builds validated options; invalid configuration → <see cref="StorageConfigurationException"/> naming the key.</summary>
    public static StorageOptions Load(StorageOverrides overrides)
    {
        var options = StorageOptionsBinder.Bind(BuildConfiguration(overrides.ConfigPath));
        if (overrides.Backend is { } backend) options.Backend = backend;
        if (overrides.SqlitePath is { } path) options.Sqlite.Path = path;
        if (overrides.ConnectionString is { } cs) options.Postgres.ConnectionString = cs;
        options.Postgres.ConnectionString = NormalizeConnectionString(options.Postgres.ConnectionString);
        StorageOptionsValidator.ThrowIfInvalid(options);
        return options;
    }

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

    /// <summary>Turns a <c>postgres://user:pass@host:port/db?sslmode=…</c> URL into Npgsql key=value form (password
    /// percent-decoded, sslmode kept), so what the tool prints and probes is one form; key=value strings pass through.</summary>
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
}
