using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>
/// The WAL is copied back into the database file by a background checkpoint every
/// <see cref="SqliteCheckpointer.WritesPerCheckpoint"/> writes, not inside a live write's commit (issue 15: a commit that
/// crossed SQLite's 1,000-page threshold paid for everyone's pages). The database file only grows when a checkpoint
/// copies pages into it, so its size shows whether one ran. When writes pause for <see cref="SqliteCheckpointer.IdleDelay"/>,
/// what is left is checkpointed too (reads through the memory map look every page up in the WAL index first). The clock
/// is a fake one, moved by hand, so the idle checkpoint runs only when a test says so.
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

        using var engine = new SqliteEngine(options, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var store = new SqliteStore(new PooledExecutor(engine), TenantIds.Default);
        var now = DateTimeOffset.UtcNow;
        // Well past SQLite's default threshold of 1,000 WAL pages, which would have checkpointed inside a commit.
        for (var i = 1; i < SqliteCheckpointer.WritesPerCheckpoint; i++)
            await store.InsertPaymentAsync(Padded(now), default);
        await engine.Checkpointer.Running;
        Assert.Equal(emptySize, new FileInfo(options.Sqlite.Path).Length);

        await store.InsertPaymentAsync(Make.Payment(now), default);
        await engine.Checkpointer.Running;
        Assert.True(new FileInfo(options.Sqlite.Path).Length > emptySize, "the background checkpoint copied the WAL into the database file");
    }

    [Fact]
    public async Task Writes_left_after_the_last_checkpoint_are_checkpointed_once_writes_pause_for_the_idle_delay()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        await using (await SqliteStorage.OpenAsync(options))
        {
        }
        var emptySize = new FileInfo(options.Sqlite.Path).Length;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var engine = new SqliteEngine(options, time);
        var store = new SqliteStore(new PooledExecutor(engine), TenantIds.Default);
        var now = time.GetUtcNow();

        // Writes keep coming: each delay finds new writes and waits another.
        for (var i = 0; i < 10; i++)
        {
            await store.InsertPaymentAsync(Padded(now), default);
            time.Advance(SqliteCheckpointer.IdleDelay / 2);
        }
        await engine.Checkpointer.Running;
        Assert.Equal(emptySize, new FileInfo(options.Sqlite.Path).Length);

        // They stop: one more delay and what they left is checkpointed.
        time.Advance(SqliteCheckpointer.IdleDelay);
        await engine.Checkpointer.Running;
        Assert.True(new FileInfo(options.Sqlite.Path).Length > emptySize, "the idle checkpoint copied the WAL into the database file");
    }

    /// <summary>A payment of about 3 KB: each one needs pages the database file does not have yet.</summary>
    private static PaymentTransaction Padded(DateTimeOffset now) =>
        Make.Payment(now) with { Metadata = new Dictionary<string, string> { ["pad"] = new string('x', 3_000) } };
}
