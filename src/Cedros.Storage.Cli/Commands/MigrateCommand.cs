using System.CommandLine;
using Cedros.Storage.Configuration;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>migrate</c>: applies pending schema migrations and says which (or that it was a no-op).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending schema migrations (a no-op when the schema is up to date)");
        command.SetBody(async (ctx, ct) =>
        {
            ctx.Step = "reading the migration history";
            var before = await MigrationHistory.TryReadAsync(ctx.Options, ct).ConfigureAwait(false);
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
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
}
