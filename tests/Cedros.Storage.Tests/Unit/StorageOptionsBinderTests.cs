using Cedros.Storage.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cedros.Storage.Tests.Unit;

public sealed class StorageOptionsBinderTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.GetValueOrDefault(name);
    }

    private static readonly Func<string, string?> NoEnv = _ => null;

    [Fact]
    public void An_empty_value_on_a_parent_section_is_structure_not_an_unknown_key()
    {
        // WebApplicationFactory's UseSetting("storage:sqlite:path", …) also sets "storage:sqlite" to "".
        var options = StorageOptionsBinder.Bind(Config(("storage:sqlite", ""), ("storage:sqlite:path", "x.db"), ("storage:postgres", "")), NoEnv);
        Assert.Equal("x.db", options.Sqlite.Path);
        var typo = Assert.Throws<StorageConfigurationException>(() => StorageOptionsBinder.Bind(Config(("storage:sqlitee", "")), NoEnv));
        Assert.Contains("sqlitee", typo.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_configuration_gives_the_defaults()
    {
        var options = StorageOptionsBinder.Bind(Config(), NoEnv);
        Assert.Equivalent(new StorageOptions(), options, strict: true);
        Assert.Equal(StorageBackend.Sqlite, options.Backend);
        Assert.Equal("cedros.db", options.Sqlite.Path);
        Assert.Equal(SqliteSynchronous.Full, options.Sqlite.Synchronous);
        Assert.False(options.Archival.Enabled);
        Assert.Equal(TimeSpan.FromHours(2160), options.Archival.RetentionPeriod);
        Assert.Equal(TimeSpan.FromHours(24), options.Archival.RunInterval);
        Assert.Null(options.Archival.ArchiveTable);
    }

    [Fact]
    public void Every_key_is_bound()
    {
        var options = StorageOptionsBinder.Bind(Config(
            ("storage:backend", "postgres"),
            ("storage:sqlite:path", "/data/pay.db"),
            ("storage:sqlite:synchronous", "normal"),
            ("storage:sqlite:busy_timeout", "2s"),
            ("storage:sqlite:mmap_size", "0"),
            ("storage:postgres:connection_string", "Host=db;Username=pay"),
            ("storage:postgres:max_pool_size", "80"),
            ("storage:postgres:min_pool_size", "4"),
            ("storage:postgres:command_timeout", "45s"),
            ("storage:webhooks:visibility_timeout", "90s"),
            ("storage:archival:enabled", "true"),
            ("storage:archival:retention_period", "720h"),
            ("storage:archival:run_interval", "6h"),
            ("storage:archival:archive_table", "old_payments"),
            ("storage:cleanup:enabled", "false"),
            ("storage:cleanup:interval", "5m"),
            ("storage:cleanup:completed_webhook_retention", "48h"),
            ("storage:caching:enabled", "true"),
            ("storage:caching:ttl", "10s"),
            ("storage:housekeeping_batch_size", "1000")), NoEnv);

        Assert.Equal(StorageBackend.Postgres, options.Backend);
        Assert.Equal("/data/pay.db", options.Sqlite.Path);
        Assert.Equal(SqliteSynchronous.Normal, options.Sqlite.Synchronous);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Sqlite.BusyTimeout);
        Assert.Equal(0, options.Sqlite.MmapSize);
        Assert.Equal("Host=db;Username=pay", options.Postgres.ConnectionString);
        Assert.Equal(80, options.Postgres.MaxPoolSize);
        Assert.Equal(4, options.Postgres.MinPoolSize);
        Assert.Equal(TimeSpan.FromSeconds(45), options.Postgres.CommandTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Webhooks.VisibilityTimeout);
        Assert.True(options.Archival.Enabled);
        Assert.Equal(TimeSpan.FromDays(30), options.Archival.RetentionPeriod);
        Assert.Equal(TimeSpan.FromHours(6), options.Archival.RunInterval);
        Assert.Equal("old_payments", options.Archival.ArchiveTable);
        Assert.False(options.Cleanup.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Cleanup.Interval);
        Assert.Equal(TimeSpan.FromHours(48), options.Cleanup.CompletedWebhookRetention);
        Assert.True(options.Caching.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Caching.Ttl);
        Assert.Equal(1000, options.HousekeepingBatchSize);
    }

    [Fact]
    public void Every_schema_mapping_entity_is_bound()
    {
        var entities = new StorageOptions().SchemaMapping.Entries().Select(e => e.Entity).ToList();
        Assert.Contains("payments", entities);
        Assert.Contains("webhook_queue", entities);
        var config = Config(entities.Select(e => ($"storage:schema_mapping:{e}:table_name", (string?)$"custom_{e}")).ToArray());

        var options = StorageOptionsBinder.Bind(config, NoEnv);

        foreach (var (entity, value) in options.SchemaMapping.Entries())
            Assert.Equal($"custom_{entity}", value);
        Assert.Equal("custom_payments", options.ResolveTables().Payments.Name);
    }

    [Theory]
    [InlineData("sqlite", StorageBackend.Sqlite)]
    [InlineData("SQLite", StorageBackend.Sqlite)]
    [InlineData("postgres", StorageBackend.Postgres)]
    [InlineData("PostgreSQL", StorageBackend.Postgres)]
    [InlineData("memory", StorageBackend.Memory)]
    [InlineData(" Memory ", StorageBackend.Memory)]
    public void Backend_names_are_case_insensitive(string value, StorageBackend expected) =>
        Assert.Equal(expected, StorageOptionsBinder.Bind(Config(("storage:backend", value)), NoEnv).Backend);

    [Fact]
    public void Go_style_and_TimeSpan_durations_are_both_accepted() =>
        Assert.Equal(
            StorageOptionsBinder.Bind(Config(("storage:archival:run_interval", "1h30m")), NoEnv).Archival.RunInterval,
            StorageOptionsBinder.Bind(Config(("storage:archival:run_interval", "01:30:00")), NoEnv).Archival.RunInterval);

    [Fact]
    public void The_seeds_archival_environment_variables_work_exactly_as_written()
    {
        var options = StorageOptionsBinder.Bind(Config(), Env(
            ("CEDROS_STORAGE_ARCHIVAL_ENABLED", "true"),
            ("CEDROS_STORAGE_ARCHIVAL_RETENTION_PERIOD", "2160h"),
            ("CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL", "24h")));

        Assert.True(options.Archival.Enabled);
        Assert.Equal(TimeSpan.FromDays(90), options.Archival.RetentionPeriod);
        Assert.Equal(TimeSpan.FromDays(1), options.Archival.RunInterval);

        var other = StorageOptionsBinder.Bind(Config(), Env(
            ("CEDROS_STORAGE_ARCHIVAL_RETENTION_PERIOD", "720h"),
            ("CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL", "30m")));
        Assert.False(other.Archival.Enabled);
        Assert.Equal(TimeSpan.FromDays(30), other.Archival.RetentionPeriod);
        Assert.Equal(TimeSpan.FromMinutes(30), other.Archival.RunInterval);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    public void Boolean_environment_values_parse_like_Go(string value, bool expected) =>
        Assert.Equal(expected, StorageOptionsBinder.Bind(Config(), Env(("CEDROS_STORAGE_ARCHIVAL_ENABLED", value))).Archival.Enabled);

    [Fact]
    public void The_configuration_key_wins_over_the_environment_variable()
    {
        var options = StorageOptionsBinder.Bind(
            Config(("storage:archival:enabled", "false"), ("storage:archival:run_interval", "12h")),
            Env(("CEDROS_STORAGE_ARCHIVAL_ENABLED", "true"), ("CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL", "1h")));
        Assert.False(options.Archival.Enabled);
        Assert.Equal(TimeSpan.FromHours(12), options.Archival.RunInterval);
    }

    [Fact]
    public void Empty_values_count_as_unset()
    {
        var options = StorageOptionsBinder.Bind(
            Config(("storage:archival:run_interval", ""), ("storage:backend", " ")),
            Env(("CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL", ""), ("POSTGRES_URL", "")));
        Assert.Equal(TimeSpan.FromHours(24), options.Archival.RunInterval);
        Assert.Equal(StorageBackend.Sqlite, options.Backend);
        Assert.Null(options.Postgres.ConnectionString);
    }

    [Fact]
    public void An_empty_archive_table_means_delete_instead_of_archive()
    {
        var options = StorageOptionsBinder.Bind(Config(("storage:archival:archive_table", "")), NoEnv);
        Assert.Equal("", options.Archival.ArchiveTable);
        Assert.Null(options.ResolveTables().PaymentsArchive);
    }

    [Fact]
    public void Connection_string_precedence_is_config_key_then_CEDROS_STORAGE_POSTGRES_URL_then_POSTGRES_URL()
    {
        const string Key = "storage:postgres:connection_string";
        var both = Env(("CEDROS_STORAGE_POSTGRES_URL", "postgres://cedros@a/db"), ("POSTGRES_URL", "postgres://generic@b/db"));

        Assert.Equal("Host=config", StorageOptionsBinder.Bind(Config((Key, "Host=config")), both).Postgres.ConnectionString);
        Assert.Equal("postgres://cedros@a/db", StorageOptionsBinder.Bind(Config(), both).Postgres.ConnectionString);
        Assert.Equal("postgres://generic@b/db",
            StorageOptionsBinder.Bind(Config(), Env(("POSTGRES_URL", "postgres://generic@b/db"))).Postgres.ConnectionString);
        Assert.Null(StorageOptionsBinder.Bind(Config(), NoEnv).Postgres.ConnectionString);
    }

    [Fact]
    public void Binding_into_existing_options_keeps_unconfigured_values()
    {
        var options = new StorageOptions { HousekeepingBatchSize = 42 };
        options.Sqlite.Path = "kept.db";
        StorageOptionsBinder.Bind(Config(("storage:backend", "memory")), options, NoEnv);
        Assert.Equal(42, options.HousekeepingBatchSize);
        Assert.Equal("kept.db", options.Sqlite.Path);
        Assert.Equal(StorageBackend.Memory, options.Backend);
    }

    [Fact]
    public void BindEnvironment_applies_only_the_environment_variables()
    {
        var options = new StorageOptions();
        StorageOptionsBinder.BindEnvironment(options, Env(("CEDROS_STORAGE_ARCHIVAL_ENABLED", "true"), ("POSTGRES_URL", "Host=x")));
        Assert.True(options.Archival.Enabled);
        Assert.Equal("Host=x", options.Postgres.ConnectionString);
    }

    [Theory]
    [InlineData("storage:backend", "mysql", "storage.backend")]
    [InlineData("storage:sqlite:synchronous", "off", "storage.sqlite.synchronous")]
    [InlineData("storage:sqlite:busy_timeout", "soon", "storage.sqlite.busy_timeout")]
    [InlineData("storage:sqlite:mmap_size", "2GB", "storage.sqlite.mmap_size")]
    [InlineData("storage:postgres:max_pool_size", "many", "storage.postgres.max_pool_size")]
    [InlineData("storage:postgres:min_pool_size", "1.5", "storage.postgres.min_pool_size")]
    [InlineData("storage:postgres:command_timeout", "30", "storage.postgres.command_timeout")]
    [InlineData("storage:webhooks:visibility_timeout", "5 minutes", "storage.webhooks.visibility_timeout")]
    [InlineData("storage:archival:enabled", "yes please", "storage.archival.enabled")]
    [InlineData("storage:archival:retention_period", "90 days", "storage.archival.retention_period")]
    [InlineData("storage:archival:run_interval", "daily", "storage.archival.run_interval")]
    [InlineData("storage:cleanup:enabled", "sometimes", "storage.cleanup.enabled")]
    [InlineData("storage:cleanup:interval", "x", "storage.cleanup.interval")]
    [InlineData("storage:cleanup:completed_webhook_retention", "1w", "storage.cleanup.completed_webhook_retention")]
    [InlineData("storage:caching:ttl", "1y", "storage.caching.ttl")]
    [InlineData("storage:housekeeping_batch_size", "5k", "storage.housekeeping_batch_size")]
    public void A_value_that_does_not_parse_fails_naming_the_key(string key, string value, string expectedKey)
    {
        var error = Assert.Throws<StorageConfigurationException>(() => StorageOptionsBinder.Bind(Config((key, value)), NoEnv));
        Assert.Equal(expectedKey, error.Key);
        Assert.Contains(expectedKey, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CEDROS_STORAGE_ARCHIVAL_ENABLED", "maybe")]
    [InlineData("CEDROS_STORAGE_ARCHIVAL_RETENTION_PERIOD", "90 days")]
    [InlineData("CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL", "24")]
    public void A_bad_environment_value_fails_naming_the_variable(string variable, string value)
    {
        var error = Assert.Throws<StorageConfigurationException>(() => StorageOptionsBinder.Bind(Config(), Env((variable, value))));
        Assert.Equal(variable, error.Key);
    }

    [Theory]
    [InlineData("storage:archival:enable", "storage.archival.enable")]
    [InlineData("storage:sqlite:busy_timout", "storage.sqlite.busy_timout")]
    [InlineData("storage:schema_mapping:payment:table_name", "storage.schema_mapping.payment.table_name")]
    [InlineData("storage:schema_mapping:payments:name", "storage.schema_mapping.payments.name")]
    [InlineData("storage:backends", "storage.backends")]
    public void An_unknown_key_fails_naming_it(string key, string expectedKey)
    {
        var error = Assert.Throws<StorageConfigurationException>(() => StorageOptionsBinder.Bind(Config((key, "x")), NoEnv));
        Assert.Equal(expectedKey, error.Key);
    }

    [Theory]
    [InlineData("apply", MigrationPolicy.Apply)]
    [InlineData("Verify", MigrationPolicy.Verify)]
    [InlineData("NONE", MigrationPolicy.None)]
    public void The_migration_policy_is_bound(string value, MigrationPolicy expected)
    {
        Assert.Equal(expected, StorageOptionsBinder.Bind(Config(("storage:migrations", value)), NoEnv).Migrations);
    }

    [Fact]
    public void A_bad_migration_policy_fails_naming_the_key_and_the_valid_words()
    {
        var error = Assert.Throws<StorageConfigurationException>(() => StorageOptionsBinder.Bind(Config(("storage:migrations", "auto")), NoEnv));
        Assert.Equal("storage.migrations", error.Key);
        Assert.Contains("apply, verify or none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_can_be_written_in_days()
    {
        var options = StorageOptionsBinder.Bind(Config(("storage:archival:retention_period", "90d")), NoEnv);
        Assert.Equal(TimeSpan.FromDays(90), options.Archival.RetentionPeriod);
    }

    [Fact]
    public void PascalCase_keys_bind_like_the_snake_case_ones()
    {
        var options = StorageOptionsBinder.Bind(Config(
            ("Storage:Backend", "postgres"),
            ("Storage:Migrations", "verify"),
            ("Storage:Postgres:ConnectionString", "Host=db;Username=pay"),
            ("Storage:Postgres:MaxPoolSize", "80"),
            ("Storage:Archival:RetentionPeriod", "30d"),
            ("Storage:Archival:ArchiveTable", "old_payments"),
            ("Storage:HousekeepingBatchSize", "250"),
            ("Storage:SchemaMapping:CartQuotes:TableName", "carts"),
            ("Storage:Observability:SlowCallThreshold", "2s")), NoEnv);
        Assert.Equal(StorageBackend.Postgres, options.Backend);
        Assert.Equal(MigrationPolicy.Verify, options.Migrations);
        Assert.Equal("Host=db;Username=pay", options.Postgres.ConnectionString);
        Assert.Equal(80, options.Postgres.MaxPoolSize);
        Assert.Equal(TimeSpan.FromDays(30), options.Archival.RetentionPeriod);
        Assert.Equal("old_payments", options.Archival.ArchiveTable);
        Assert.Equal(250, options.HousekeepingBatchSize);
        Assert.Equal("carts", options.SchemaMapping.CartQuotes);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Observability.SlowCallThreshold);
    }

    [Fact]
    public void Both_spellings_with_different_values_fail_and_unknown_PascalCase_keys_are_rejected()
    {
        var twice = Assert.Throws<StorageConfigurationException>(() => StorageOptionsBinder.Bind(Config(
            ("storage:housekeeping_batch_size", "10"), ("storage:HousekeepingBatchSize", "20")), NoEnv));
        Assert.Equal("storage.housekeeping_batch_size", twice.Key);
        Assert.Equal(10, StorageOptionsBinder.Bind(Config(
            ("storage:housekeeping_batch_size", "10"), ("storage:HousekeepingBatchSize", "10")), NoEnv).HousekeepingBatchSize);

        var typo = Assert.Throws<StorageConfigurationException>(() => StorageOptionsBinder.Bind(Config(("Storage:Archival:Enable", "true")), NoEnv));
        Assert.Equal("storage.Archival.Enable", typo.Key);
        var odd = Assert.Throws<StorageConfigurationException>(() => StorageOptionsBinder.Bind(Config(("storage:arch_ival:enabled", "true")), NoEnv));
        Assert.Equal("storage.arch_ival.enabled", odd.Key);
    }

    [Fact]
    public void ConnectionStrings_Cedros_is_read_below_the_storage_key_and_above_the_environment()
    {
        var env = Env(("POSTGRES_URL", "Host=from-env"), ("CEDROS_STORAGE_POSTGRES_URL", "Host=from-cedros-env"));
        Assert.Equal("Host=named", StorageOptionsBinder.Bind(Config(("ConnectionStrings:Cedros", "Host=named")), env).Postgres.ConnectionString);
        Assert.Equal("Host=key", StorageOptionsBinder.Bind(Config(
            ("ConnectionStrings:Cedros", "Host=named"), ("storage:postgres:connection_string", "Host=key")), env).Postgres.ConnectionString);
        Assert.Equal("Host=key", StorageOptionsBinder.Bind(Config(
            ("ConnectionStrings:Cedros", "Host=named"), ("Storage:Postgres:ConnectionString", "Host=key")), env).Postgres.ConnectionString);
        Assert.Equal("Host=from-cedros-env", StorageOptionsBinder.Bind(Config(("ConnectionStrings:Other", "Host=x")), env).Postgres.ConnectionString);
        var viaDi = new StorageOptions();
        StorageOptionsBinder.Bind(Config(("ConnectionStrings:Cedros", "Host=named"), ("storage:backend", "postgres")), viaDi, NoEnv);
        Assert.Equal("Host=named", viaDi.Postgres.ConnectionString);
    }

    [Fact]
    public void The_storage_section_itself_binds_like_its_parent()
    {
        var config = Config(("storage:backend", "memory"), ("storage:sqlite:path", "s.db"));
        var fromSection = StorageOptionsBinder.Bind(config.GetSection("storage"), NoEnv);
        Assert.Equivalent(StorageOptionsBinder.Bind(config, NoEnv), fromSection, strict: true);
        Assert.Equal(StorageBackend.Memory, fromSection.Backend);
    }

    [Fact]
    public void Keys_outside_the_storage_section_are_ignored()
    {
        var options = StorageOptionsBinder.Bind(Config(("logging:level", "x"), ("storagex:backend", "nope")), NoEnv);
        Assert.Equal(StorageBackend.Sqlite, options.Backend);
    }

    [Fact]
    public void Invalid_table_names_are_reported_by_ResolveTables_naming_the_key()
    {
        var options = StorageOptionsBinder.Bind(Config(("storage:schema_mapping:payments:table_name", "pay;drop")), NoEnv);
        var error = Assert.Throws<StorageConfigurationException>(options.ResolveTables);
        Assert.Equal("storage.schema_mapping.payments.table_name", error.Key);
    }

    [Fact]
    public void The_connection_string_never_appears_in_a_binding_error()
    {
        var error = Assert.Throws<StorageConfigurationException>(() => StorageOptionsBinder.Bind(
            Config(("storage:postgres:connection_string", "Host=db;Password=hunter2"), ("storage:postgres:max_pool_size", "x")), NoEnv));
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
