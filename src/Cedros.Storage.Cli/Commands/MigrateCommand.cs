using System.CommandLine;
using Cedros.Storage.Configuration;
using Cedros.Storage.Schema;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>migrate [--dry-run | --script]</c>: applies pending schema migrations and says which (or that it was a
/// no-op); or lists them (<c>--dry-run</c>) or prints their SQL (<c>--script</c>) without changing anything.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List the migrations that would be applied; change nothing" };
        var script = new Option<bool>("--script")
        {
            Description = "Print the SQL of the pending migrations with the mapped table names (for review); change nothing",
        };
        var command = new Command("migrate", "Apply pending schema migrations (a no-op when the schema is up to date)") { dryRun, script };
        command.Validators.Add(r =>
        {
            if (r.GetValue(dryRun) && r.GetValue(script)) r.AddError("--dry-run and --script cannot be combined.");
        });
        command.SetBody(async (ctx, ct) =>
        {
            if (ctx.ParseResult.GetValue(dryRun) || ctx.ParseResult.GetValue(script))
                return await PlanAsync(ctx, ctx.ParseResult.GetValue(script), ct).ConfigureAwait(false);

            ctx.Step = "reading the migration history";
            var before = await MigrationHistory.TryReadAsync(ctx.Options, ct).ConfigureAwait(false);
            var storage = await ctx.OpenAndMigrateAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = "applying migrations";
                await storage.MigrateAsync(ct).ConfigureAwait(false);
            }
            ctx.Step = "reading the migration history";
            var after = ctx.Options.Backend == StorageBackend.Memory
                ? []
                : await MigrationHistory.TryReadAsync(ctx.Options, ct).ConfigureAwait(false);
            before ??= ctx.Options.Backend == StorageBackend.Memory ? [] : null;

            List<string>? applied = before is null || after is null ? null : after.Except(before).ToList();
            if (ctx.Json)
            {
                Output.WriteJson(new
                {
                    Backend = ctx.BackendName,
                    Applied = applied,
                    NoOp = applied is null ? (bool?)null : applied.Count == 0,
                    Migrations = after,
                });
            }
            else if (applied is null)
            {
                Output.Line($"Migrations applied on {ctx.BackendName}; the schema is up to date.");
            }
            else if (applied.Count == 0)
            {
                Output.Line($"No-op: the {ctx.BackendName} schema is up to date ({after!.Count} migrations recorded).");
            }
            else
            {
                Output.Line($"Applied {applied.Count} migration(s) on {ctx.BackendName}:");
                foreach (var migration in applied) Output.Line($"  {migration}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The embedded scripts of the configured backend (none for the in-memory backend).</summary>
    private static IReadOnlyList<MigrationScript> ScriptsOf(StorageBackend backend) => backend switch
    {
        StorageBackend.Sqlite => MigrationScripts.Load(typeof(Sqlite.SqliteStorage).Assembly),
        StorageBackend.Postgres => MigrationScripts.Load(typeof(Postgres.PostgresStorage).Assembly),
        _ => [],
    };

    /// <summary><c>--dry-run</c> / <c>--script</c>: reads the history (creating nothing) and reports what would run.</summary>
    private static async Task<int> PlanAsync(CommandContext ctx, bool asScript, CancellationToken ct)
    {
        ctx.Step = "reading the migration history";
        var recorded = await MigrationHistory.ReadAsync(ctx.Options, ct).ConfigureAwait(false) ?? [];
        var scripts = ScriptsOf(ctx.Options.Backend);
        var backendLabel = ctx.Options.Backend == StorageBackend.Postgres ? "PostgreSQL" : "SQLite";
        var pending = ctx.Options.Backend == StorageBackend.Memory
            ? []
            : SchemaVerifier.Pending(backendLabel, scripts, [.. recorded.Select(MigrationHistory.VersionOf)]);
        var tables = ctx.Options.ResolveTables();
        var createsFile = ctx.Options.Backend == StorageBackend.Sqlite && !File.Exists(ctx.Options.Sqlite.Path);

        if (asScript)
        {
            using var stdout = new StreamWriter(Console.OpenStandardOutput()) { NewLine = "\n" };
            await stdout.WriteLineAsync($"-- cedros-storage migrate --script: {pending.Count} pending migration(s) for {ctx.BackendName}, " +
                                        $"history table {tables.SchemaMigrations}.").ConfigureAwait(false);
            foreach (var m in pending)
            {
                await stdout.WriteLineAsync().ConfigureAwait(false);
                await stdout.WriteLineAsync($"-- {m.Version:D4}_{m.Name} (checksum {m.Checksum})").ConfigureAwait(false);
                await stdout.WriteLineAsync(SqlTemplate.Render(m.Text, tables).TrimEnd()).ConfigureAwait(false);
            }
            return ExitCodes.Ok;
        }

        var names = pending.Select(m => $"{m.Version:D4}_{m.Name}").ToList();
        if (ctx.Json)
        {
            Output.WriteJson(new { Backend = ctx.BackendName, DryRun = true, CreatesDatabase = createsFile, Pending = names, Migrations = recorded });
        }
        else if (names.Count == 0)
        {
            Output.Line($"Nothing to apply: the {ctx.BackendName} schema is up to date ({recorded.Count} migrations recorded).");
        }
        else
        {
            Output.Line($"Would apply {names.Count} migration(s) on {ctx.BackendName}{(createsFile ? " (creating the database file)" : "")}:");
            foreach (var name in names) Output.Line($"  {name}");
        }
        return ExitCodes.Ok;
    }
}
