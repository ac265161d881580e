using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary><c>storage.sqlite.mmap_size</c> reaches every connection the storage opens.</summary>
public sealed class SqliteMemoryMapTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L << 20)]
    [InlineData(null)]
    public async Task Each_connection_maps_as_much_of_the_file_as_configured(long? configured)
    {
        var options = fixture.NewOptions(fixture.NewPath());
        if (configured is { } size) options.Sqlite.MmapSize = size;
        await using (await SqliteStorage.OpenAsync(options)) { } // creates and migrates the file

        using var engine = new SqliteEngine(options, TimeProvider.System);
        using var connection = engine.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA mmap_size";
        var applied = (long)command.ExecuteScalar()!;

        if (configured is { } expected) Assert.Equal(expected, applied);
        else Assert.True(applied > 0, "memory-mapped reads should be on by default");
    }
}
