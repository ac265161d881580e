using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the PostgreSQL backend:
/// <c>services.AddCedrosStorage(configuration).UsePostgres("Host=…;Database=…")</c>.</summary>
public static class CedrosStoragePostgresBuilderExtensions
{
    /// <summary>Registers <see cref="PostgresBackendFactory"/>, sets <c>storage.backend = postgres</c> and
    /// <c>storage.postgres.connection_string</c> (key-value or <c>postgres://</c> URL).</summary>
    public static CedrosStorageBuilder UsePostgres(this CedrosStorageBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return builder.UsePostgres(o => o.ConnectionString = connectionString);
    }

    /// <summary>Registers <see cref="PostgresBackendFactory"/> and sets <c>storage.backend = postgres</c>; then
    /// <paramref name="configure"/> changes the <c>storage.postgres.*</c> options (after configuration binding).</summary>
    public static CedrosStorageBuilder UsePostgres(this CedrosStorageBuilder builder, Action<PostgresOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBackend<PostgresBackendFactory>();
        return builder.Configure(o =>
        {
            o.Backend = StorageBackend.Postgres;
            configure?.Invoke(o.Postgres);
        });
    }
}
