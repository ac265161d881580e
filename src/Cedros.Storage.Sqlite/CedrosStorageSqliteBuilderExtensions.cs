using Cedros.Storage.Configuration;
using Cedros.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the SQLite backend: <c>services.AddCedrosStorage(configuration).UseSqlite("cedros.db")</c>.</summary>
public static class CedrosStorageSqliteBuilderExtensions
{
    /// <summary>Registers <see cref="SqliteBackendFactory"/>, sets <c>storage.backend = sqlite</c> and the database
    /// file (<c>storage.sqlite.path</c>).</summary>
    public static CedrosStorageBuilder UseSqlite(this CedrosStorageBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return builder.UseSqlite(o => o.Path = path);
    }

    /// <summary>Registers <see cref="SqliteBackendFactory"/> and sets <c>storage.backend = sqlite</c>; then
    /// <paramref name="configure"/> changes the <c>storage.sqlite.*</c> options (after configuration binding).</summary>
    public static CedrosStorageBuilder UseSqlite(this CedrosStorageBuilder builder, Action<SqliteOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBackend<SqliteBackendFactory>();
        return builder.Configure(o =>
        {
            o.Backend = StorageBackend.Sqlite;
            configure?.Invoke(o.Sqlite);
        });
    }
}
