using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>A path that cannot hold a SQLite database is a configuration error naming the path, never Internal
/// (operators page on Internal as a bug) and never Unavailable (retrying will not help).</summary>
public sealed class SqliteConfigurationErrorTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task A_file_that_is_not_a_SQLite_database_is_a_configuration_error_naming_the_path()
    {
        var path = fixture.NewPath();
        await File.WriteAllTextAsync(path, new string('x', 8192));
        var ex = await Assert.ThrowsAsync<StorageConfigurationException>(() => SqliteStorage.OpenAsync(fixture.NewOptions(path)));
        Assert.Equal(StorageErrorKind.Validation, ex.Kind);
        Assert.False(ex.IsTransient);
        Assert.Equal("storage.sqlite.path", ex.Key);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal(26, Assert.IsType<SqliteException>(ex.InnerException).SqliteErrorCode);
    }

    [Fact]
    public async Task A_missing_directory_is_a_configuration_error_naming_the_directory()
    {
        var directory = Path.Combine(fixture.Root, "no-such-dir-" + Guid.NewGuid().ToString("N")[..8]);
        var ex = await Assert.ThrowsAsync<StorageConfigurationException>(
            () => SqliteStorage.OpenAsync(fixture.NewOptions(Path.Combine(directory, "cedros.db"))));
        Assert.Equal(StorageErrorKind.Validation, ex.Kind);
        Assert.Equal("storage.sqlite.path", ex.Key);
        Assert.Contains(directory, ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Equal(14, Assert.IsType<SqliteException>(ex.InnerException).SqliteErrorCode);
        Assert.False(Directory.Exists(directory));
    }
}
