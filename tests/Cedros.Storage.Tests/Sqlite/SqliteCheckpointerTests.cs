using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>
/// The WAL is copied back into the database file by a background checkpoint every
/// <see cref="SqliteCheckpointer.WritesPerCheckpoint"/> writes, not inside a live write's commit (issue 15: a commit that
/// crossed SQLite's 1,000-page threshold paid for everyone's pages). The database file only grows when a checkpoint
/// copies pages into it, so its size shows whether one ran.
/// </summary>
public sealed class SqliteCheckpointerTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Writes_are_checkpointed_in_the_background_every_WritesPerCheckpoint_writes_and_not_by_a_commit()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        await using (await SqliteStorage.OpenAsync(options))
        {
        }
        var emptySize = new FileInfo(options.Sqlite.Path).Length;

        using var engine = new SqliteEngine(options, TimeProvider.System);
        var store = new SqliteStore(new PooledExecutor(engine), TenantIds.Default);
        var now = DateTimeOffset.UtcNow;
        // Well past SQLite's default threshold of 1,000 WAL pages, which would have checkpointed inside a commit.
        for (var i = 1; i < SqliteCheckpointer.WritesPerCheckpoint; i++)
            await store.InsertPaymentAsync(Make.Payment(now) with { Metadata = new Dictionary<string, string> { ["pad"] = new string('x', 3_000) } }, default);
        await engine.Checkpointer.Running;
        Assert.Equal(emptySize, new FileInfo(options.Sqlite.Path).Length);

        await store.InsertPaymentAsync(Make.Payment(now), default);
        await engine.Checkpointer.Running;
        Assert.True(new FileInfo(options.Sqlite.Path).Length > emptySize, "the background checkpoint copied the WAL into the database file");
    }
}
