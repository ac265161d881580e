using System.CommandLine;
using Spectre.Console;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>config check</c>: loads and validates the configuration and prints the effective settings, passwords
/// masked. Does not connect.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var check = new Command("check", "Load and validate the configuration; print the effective settings (password masked)");
        check.SetBody((ctx, _) =>
        {
            var o = ctx.Options;
            var tables = o.ResolveTables();
            var settings = new List<(string Key, string Value)>
            {
                ("storage.backend", ctx.BackendName),
                ("storage.migrations", o.Migrations.ToString().ToLowerInvariant()),
                ("storage.sqlite.path", Path.GetFullPath(o.Sqlite.Path)),
                ("storage.sqlite.synchronous", o.Sqlite.Synchronous.ToString().ToLowerInvariant()),
                ("storage.sqlite.busy_timeout", Output.Duration(o.Sqlite.BusyTimeout)),
                ("storage.sqlite.mmap_size", o.Sqlite.MmapSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("storage.postgres.connection_string", Secrets.MaskConnectionString(o.Postgres.ConnectionString) ?? ""),
                ("storage.postgres.max_pool_size", o.Postgres.MaxPoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("storage.postgres.min_pool_size", o.Postgres.MinPoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("storage.postgres.command_timeout", Output.Duration(o.Postgres.CommandTimeout)),
                ("storage.webhooks.visibility_timeout", Output.Duration(o.Webhooks.VisibilityTimeout)),
                ("storage.archival.enabled", o.Archival.Enabled ? "true" : "false"),
                ("storage.archival.retention_period", Output.Duration(o.Archival.RetentionPeriod)),
                ("storage.archival.run_interval", Output.Duration(o.Archival.RunInterval)),
                ("storage.archival.archive_table", tables.PaymentsArchive?.ToString() ?? "(none: archival deletes)"),
                ("storage.cleanup.enabled", o.Cleanup.Enabled ? "true" : "false"),
                ("storage.cleanup.interval", Output.Duration(o.Cleanup.Interval)),
                ("storage.cleanup.completed_webhook_retention", Output.Duration(o.Cleanup.CompletedWebhookRetention)),
                ("storage.housekeeping_batch_size", o.HousekeepingBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            };
            settings.AddRange(o.SchemaMapping.Entries().Select(e => ($"storage.schema_mapping.{e.Entity}.table_name", e.Value)));

            if (ctx.Json)
            {
                Output.WriteJson(new { Valid = true, Settings = settings.ToDictionary(s => s.Key, s => s.Value) });
            }
            else
            {
                AnsiConsole.Write(Output.KeyValueTable("setting", "value", settings));
                Output.Line("Configuration is valid.");
            }
            return Task.FromResult(ExitCodes.Ok);
        });

        var config = new Command("config", "Configuration commands");
        config.Subcommands.Add(check);
        return config;
    }
}
