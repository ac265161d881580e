using Microsoft.Extensions.Options;

namespace Cedros.Storage.Configuration;

/// <summary>
/// Checks <see cref="StorageOptions"/> as a whole: ranges, table names, the connection string a PostgreSQL backend
/// needs. Registered by <c>AddCedrosStorage</c> with <c>ValidateOnStart</c>, so a bad setting stops the host at
/// start-up; every message names the key.
/// </summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    // PeriodicTimer accepts 1 ms ..< uint.MaxValue ms.
    private static readonly TimeSpan MaxTimerPeriod = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>The longest <c>storage.archival.retention_period</c> and <c>storage.cleanup.completed_webhook_retention</c> (100 years).</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(36_500);

    /// <summary>The longest <c>storage.caching.ttl</c> (1 day).</summary>
    public static readonly TimeSpan MaxCacheTtl = TimeSpan.FromDays(1);

    /// <summary>The largest <c>storage.housekeeping_batch_size</c>.</summary>
    public const int MaxHousekeepingBatchSize = 100_000;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = Check(options).Select(e => e.Message).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws the first problem as a <see cref="StorageConfigurationException"/> naming the key.</summary>
    public static void ThrowIfInvalid(StorageOptions options)
    {
        var errors = Check(options);
        if (errors.Count > 0)
            throw errors[0];
    }

    /// <summary>Every problem with <paramref name="options"/>, each naming its key; empty when valid.</summary>
    public static IReadOnlyList<StorageConfigurationException> Check(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<StorageConfigurationException>();
        void Fail(string key, string message) => errors.Add(new StorageConfigurationException(key, message));

        if (!Enum.IsDefined(options.Backend))
            Fail("storage.backend", $"'{options.Backend}' is not a backend (sqlite, postgres or memory).");

        if (string.IsNullOrWhiteSpace(options.Sqlite.Path))
            Fail("storage.sqlite.path", "must not be empty.");
        if (!Enum.IsDefined(options.Sqlite.Synchronous))
            Fail("storage.sqlite.synchronous", "must be full or normal.");
        if (options.Sqlite.BusyTimeout < TimeSpan.Zero || options.Sqlite.BusyTimeout.TotalMilliseconds > int.MaxValue)
            Fail("storage.sqlite.busy_timeout", $"must be between 0 and {int.MaxValue} ms.");
        if (options.Sqlite.MmapSize < 0)
            Fail("storage.sqlite.mmap_size", "must be 0 (off) or a number of bytes.");

        if (options.Backend == StorageBackend.Postgres && string.IsNullOrWhiteSpace(options.Postgres.ConnectionString))
            Fail("storage.postgres.connection_string",
                $"is required when storage.backend is postgres (or set ConnectionStrings:{StorageOptionsBinder.ConnectionStringName}, {StorageEnvironment.CedrosPostgresUrl} or {StorageEnvironment.PostgresUrl}).");
        if (options.Postgres.MaxPoolSize < 1)
            Fail("storage.postgres.max_pool_size", "must be at least 1.");
        if (options.Postgres.MinPoolSize < 0)
            Fail("storage.postgres.min_pool_size", "must not be negative.");
        else if (options.Postgres.MinPoolSize > options.Postgres.MaxPoolSize)
            Fail("storage.postgres.min_pool_size", "must not exceed storage.postgres.max_pool_size.");
        if (options.Postgres.CommandTimeout < TimeSpan.FromSeconds(1) || options.Postgres.CommandTimeout.TotalSeconds > int.MaxValue)
            Fail("storage.postgres.command_timeout", "must be at least 1s.");

        // A lease is added to "now" on every claim: an unbounded one passes start-up and then every dequeue throws.
        Bounded(options.Webhooks.VisibilityTimeout, Limits.MaxLeaseTtl, "storage.webhooks.visibility_timeout");

        try
        {
            options.ResolveTables();
        }
        catch (StorageConfigurationException e)
        {
            errors.Add(e);
        }

        TimerPeriod(options.Archival.RetentionPeriod, "storage.archival.retention_period", checkMax: false);
        if (options.Archival.RetentionPeriod > MaxRetention)
            Fail("storage.archival.retention_period", $"must be at most {MaxRetention.TotalDays:0} days (100 years).");
        TimerPeriod(options.Archival.RunInterval, "storage.archival.run_interval", checkMax: true);
        TimerPeriod(options.Cleanup.Interval, "storage.cleanup.interval", checkMax: true);
        if (options.Cleanup.CompletedWebhookRetention < TimeSpan.Zero)
            Fail("storage.cleanup.completed_webhook_retention", "must not be negative.");
        else if (options.Cleanup.CompletedWebhookRetention > MaxRetention)
            Fail("storage.cleanup.completed_webhook_retention", $"must be at most {MaxRetention.TotalDays:0} days (100 years).");

        Bounded(options.Caching.Ttl, MaxCacheTtl, "storage.caching.ttl");

        if (options.HousekeepingBatchSize < 1 || options.HousekeepingBatchSize > MaxHousekeepingBatchSize)
            Fail("storage.housekeeping_batch_size", $"must be between 1 and {MaxHousekeepingBatchSize}.");

        if (options.Observability is null)
            Fail("storage.observability", "must not be null.");
        else if (options.Observability.SlowCallThreshold < TimeSpan.Zero || options.Observability.SlowCallThreshold > MaxCacheTtl)
            Fail("storage.observability.slow_call_threshold", "must be between 0 (off) and 1 day.");

        return errors;

        void Bounded(TimeSpan value, TimeSpan max, string key)
        {
            if (value <= TimeSpan.Zero)
                Fail(key, "must be positive.");
            else if (value > max)
                Fail(key, $"must be at most {max.TotalHours:0}h.");
        }

        void TimerPeriod(TimeSpan value, string key, bool checkMax)
        {
            if (value < TimeSpan.FromMilliseconds(1))
                Fail(key, "must be at least 1ms.");
            else if (checkMax && value > MaxTimerPeriod)
                Fail(key, $"must be at most {MaxTimerPeriod.TotalHours:0}h.");
        }
    }
}
