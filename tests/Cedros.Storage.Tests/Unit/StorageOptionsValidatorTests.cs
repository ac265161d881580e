using Cedros.Storage.Configuration;

namespace Cedros.Storage.Tests.Unit;

public sealed class StorageOptionsValidatorTests
{
    private static IReadOnlyList<string> KeysOf(StorageOptions options) =>
        StorageOptionsValidator.Check(options).Select(e => e.Key).ToList();

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(StorageOptionsValidator.Check(new StorageOptions()));
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions()).Succeeded);
    }

    public static TheoryData<string, Action<StorageOptions>> Invalid => new()
    {
        { "storage.backend", o => o.Backend = (StorageBackend)42 },
        { "storage.sqlite.path", o => o.Sqlite.Path = " " },
        { "storage.sqlite.synchronous", o => o.Sqlite.Synchronous = (SqliteSynchronous)9 },
        { "storage.sqlite.busy_timeout", o => o.Sqlite.BusyTimeout = TimeSpan.FromSeconds(-1) },
        { "storage.sqlite.mmap_size", o => o.Sqlite.MmapSize = -1 },
        { "storage.postgres.connection_string", o => o.Backend = StorageBackend.Postgres },
        { "storage.postgres.max_pool_size", o => o.Postgres.MaxPoolSize = 0 },
        { "storage.postgres.min_pool_size", o => o.Postgres.MinPoolSize = -1 },
        { "storage.postgres.min_pool_size", o => { o.Postgres.MinPoolSize = 20; o.Postgres.MaxPoolSize = 10; } },
        { "storage.postgres.command_timeout", o => o.Postgres.CommandTimeout = TimeSpan.Zero },
        { "storage.webhooks.visibility_timeout", o => o.Webhooks.VisibilityTimeout = TimeSpan.Zero },
        { "storage.webhooks.visibility_timeout", o => o.Webhooks.VisibilityTimeout = TimeSpan.MaxValue },
        { "storage.webhooks.visibility_timeout", o => o.Webhooks.VisibilityTimeout = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1) },
        { "storage.archival.retention_period", o => o.Archival.RetentionPeriod = TimeSpan.MaxValue },
        { "storage.cleanup.completed_webhook_retention", o => o.Cleanup.CompletedWebhookRetention = TimeSpan.MaxValue },
        { "storage.caching.ttl", o => o.Caching.Ttl = TimeSpan.MaxValue },
        { "storage.schema_mapping.orders.table_name", o => o.SchemaMapping.Orders = "1orders" },
        { "storage.schema_mapping", o => o.SchemaMapping.Orders = "products" },
        { "storage.archival.archive_table", o => o.Archival.ArchiveTable = "bad name" },
        { "storage.archival.retention_period", o => o.Archival.RetentionPeriod = TimeSpan.Zero },
        { "storage.archival.run_interval", o => o.Archival.RunInterval = TimeSpan.FromHours(-1) },
        { "storage.archival.run_interval", o => o.Archival.RunInterval = TimeSpan.FromDays(60) },
        { "storage.cleanup.interval", o => o.Cleanup.Interval = TimeSpan.Zero },
        { "storage.cleanup.completed_webhook_retention", o => o.Cleanup.CompletedWebhookRetention = TimeSpan.FromSeconds(-1) },
        { "storage.caching.ttl", o => o.Caching.Ttl = TimeSpan.Zero },
        { "storage.housekeeping_batch_size", o => o.HousekeepingBatchSize = 0 },
        { "storage.housekeeping_batch_size", o => o.HousekeepingBatchSize = 1_000_000 },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_options_fail_naming_the_key(string key, Action<StorageOptions> change)
    {
        var options = new StorageOptions();
        change(options);

        Assert.Contains(key, KeysOf(options));
        var error = Assert.Throws<StorageConfigurationException>(() => StorageOptionsValidator.ThrowIfInvalid(options));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        var result = new StorageOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_with_a_connection_string_is_valid()
    {
        var options = new StorageOptions { Backend = StorageBackend.Postgres };
        options.Postgres.ConnectionString = "Host=localhost";
        Assert.Empty(KeysOf(options));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new StorageOptions { HousekeepingBatchSize = 0 };
        options.Cleanup.Interval = TimeSpan.Zero;
        Assert.Equal(["storage.cleanup.interval", "storage.housekeeping_batch_size"], KeysOf(options).Order());
    }

    [Fact]
    public void The_largest_allowed_durations_are_valid()
    {
        var options = new StorageOptions();
        options.Webhooks.VisibilityTimeout = TimeSpan.FromDays(1);
        options.Archival.RetentionPeriod = StorageOptionsValidator.MaxRetention;
        options.Cleanup.CompletedWebhookRetention = StorageOptionsValidator.MaxRetention;
        options.Caching.Ttl = StorageOptionsValidator.MaxCacheTtl;
        Assert.Empty(KeysOf(options));
    }

    [Fact]
    public void A_huge_visibility_timeout_fails_at_open_instead_of_at_every_dequeue()
    {
        var options = new StorageOptions { Backend = StorageBackend.Memory };
        options.Webhooks.VisibilityTimeout = TimeSpan.MaxValue;
        var error = Assert.Throws<StorageConfigurationException>(() => new Cedros.Storage.InMemory.InMemoryStorage(options));
        Assert.Equal("storage.webhooks.visibility_timeout", error.Key);
    }

    [Fact]
    public void Zero_completed_webhook_retention_is_allowed()
    {
        var options = new StorageOptions();
        options.Cleanup.CompletedWebhookRetention = TimeSpan.Zero;
        Assert.Empty(KeysOf(options));
    }
}
