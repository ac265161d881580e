using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>SQLITE_BUSY: waited out within the busy timeout, then reported as a transient Unavailable error.</summary>
public sealed class SqliteBusyTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static PaymentTransaction Payment(string signature) => new() { Signature = signature, ResourceId = "r" };

    [Fact]
    public async Task A_write_lock_held_past_the_busy_timeout_fails_with_Unavailable_and_IsTransient()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        options.Sqlite.BusyTimeout = TimeSpan.FromMilliseconds(300);
        await using var storage = await SqliteStorage.OpenAsync(options);

        using (var other = new SqliteConnection($"Data Source={options.Sqlite.Path};Pooling=False"))
        {
            other.Open();
            Execute(other, "BEGIN IMMEDIATE");

            var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.Default.RecordPaymentAsync(Payment("blocked")));
            Assert.True(error.IsTransient);
            Assert.Equal(StorageErrorKind.Unavailable, error.Kind);
            Assert.DoesNotContain(fixture.Root, error.Message, StringComparison.Ordinal);
            // Reads are not blocked by a writer in WAL mode.
            Assert.False(await storage.Default.HasPaymentBeenProcessedAsync("blocked"));

            Execute(other, "ROLLBACK");
        }

        await storage.Default.RecordPaymentAsync(Payment("blocked"));
        Assert.True(await storage.Default.HasPaymentBeenProcessedAsync("blocked"));
    }

    [Fact]
    public async Task A_write_lock_released_within_the_busy_timeout_is_waited_for()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        options.Sqlite.BusyTimeout = TimeSpan.FromSeconds(10);
        await using var storage = await SqliteStorage.OpenAsync(options);
        using var other = new SqliteConnection($"Data Source={options.Sqlite.Path};Pooling=False");
        other.Open();
        Execute(other, "BEGIN IMMEDIATE");

        // The write must have been issued (and be stuck on the lock) before the lock is released; otherwise the test
        // would pass without anything having waited.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finishedAfterCommit = false;
        var committed = 0;
        var write = Task.Run(async () =>
        {
            started.SetResult();
            await storage.Default.RecordPaymentAsync(Payment("waited"));
            finishedAfterCommit = Volatile.Read(ref committed) == 1;
        });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(500);
        Assert.False(write.IsCompleted);
        Assert.False(await storage.Default.HasPaymentBeenProcessedAsync("waited"));
        Volatile.Write(ref committed, 1);
        Execute(other, "COMMIT");
        await write.WaitAsync(TimeSpan.FromSeconds(9));
        Assert.True(finishedAfterCommit);
        Assert.True(await storage.Default.HasPaymentBeenProcessedAsync("waited"));
    }

    /// <summary>An order is one statement, written without an explicit transaction: the lock wait must still hold, and
    /// a write another process committed meanwhile (a newer snapshot than the one the statement first saw) must not
    /// turn into an error.</summary>
    [Fact]
    public async Task A_single_statement_write_waits_for_a_lock_whose_holder_then_commits_a_write_of_its_own()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        options.Sqlite.BusyTimeout = TimeSpan.FromSeconds(10);
        await using var storage = await SqliteStorage.OpenAsync(options);
        var now = DateTimeOffset.UtcNow;
        Assert.True(await storage.Default.TryStoreOrderAsync(Make.Order(now, "before")));
        using var other = new SqliteConnection($"Data Source={options.Sqlite.Path};Pooling=False");
        other.Open();
        Execute(other, "BEGIN IMMEDIATE");
        Execute(other, "UPDATE orders SET status = 'shipped' WHERE id = 'before'");

        // The backend blocks its caller's thread while SQLite waits for the lock: issue the write from another one.
        var write = Task.Run(() => storage.Default.TryStoreOrderAsync(Make.Order(now, "waited")));
        await Task.Delay(500);
        Assert.False(write.IsCompleted);
        Execute(other, "COMMIT");

        Assert.True(await write.WaitAsync(TimeSpan.FromSeconds(9)));
        Assert.NotNull(await storage.Default.GetOrderAsync("waited"));
        Assert.Equal(OrderStatus.Shipped, (await storage.Default.GetOrderAsync("before"))!.Status);
    }

    [Fact]
    public async Task A_single_statement_write_blocked_past_the_busy_timeout_fails_with_Unavailable_and_writes_nothing()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        options.Sqlite.BusyTimeout = TimeSpan.FromMilliseconds(300);
        await using var storage = await SqliteStorage.OpenAsync(options);
        using (var other = new SqliteConnection($"Data Source={options.Sqlite.Path};Pooling=False"))
        {
            other.Open();
            Execute(other, "BEGIN IMMEDIATE");
            var error = await Assert.ThrowsAsync<StorageUnavailableException>(
                () => storage.Default.TryStoreOrderAsync(Make.Order(DateTimeOffset.UtcNow, "blocked")));
            Assert.True(error.IsTransient);
            Execute(other, "ROLLBACK");
        }
        Assert.Null(await storage.Default.GetOrderAsync("blocked"));
        Assert.True(await storage.Default.TryStoreOrderAsync(Make.Order(DateTimeOffset.UtcNow, "blocked")));
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES (1)", true)]
    [InlineData("INSERT INTO t VALUES (1);", true)]
    [InlineData("INSERT INTO t VALUES (1) ;  \n", true)]
    [InlineData("INSERT INTO t VALUES (1); DELETE FROM t", false)]
    [InlineData("INSERT INTO t VALUES (';')", false)]
    public void Only_text_without_an_inner_semicolon_counts_as_one_statement(string sql, bool one) =>
        Assert.Equal(one, SqliteSingleStatement.Is(sql));

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
