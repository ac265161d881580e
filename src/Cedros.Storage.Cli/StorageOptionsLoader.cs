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
        StorageOptionsValidator.ThrowIfInvalid(options);
        // One form (key=value) for everything the tool prints, masks and probes; the backend accepts either.
        if (!string.IsNullOrWhiteSpace(options.Postgres.ConnectionString))
            options.Postgres.ConnectionString = PostgresConnectionString.ToKeyValue(options.Postgres.ConnectionString);
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
}
