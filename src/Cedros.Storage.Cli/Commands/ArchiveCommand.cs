using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>archive</c>: moves (or deletes, without an archive table) ledger rows older than a cutoff.</summary>
internal static class ArchiveCommand
{
    /// <summary>A cutoff given either as an age (<c>2160h</c>) or as an instant (ISO 8601).</summary>
    internal readonly record struct Cutoff(TimeSpan? Age, DateTimeOffset? At)
    {
        public DateTimeOffset Resolve(DateTimeOffset now) => At ?? now - Age!.Value;
    }

    public static Command Create()
    {
        var olderThan = new Option<Cutoff?>("--older-than")
        {
            Description = "Archive payments created before now minus this duration (2160h, 90m, 1h30m) or before this " +
                          "ISO 8601 instant (2025-01-01T00:00:00Z). Default: now minus storage.archival.retention_period",
            HelpName = "duration|timestamp",
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (CliOptions.TryParseDuration(text, out var age)) return new Cutoff(age, null);
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                    return new Cutoff(null, at.ToUniversalTime());
                r.AddError($"--older-than '{text}' is neither a duration (e.g. 2160h) nor a timestamp (e.g. 2025-01-01T00:00:00Z).");
                return null;
            },
        };
        var command = new Command("archive", "Move payment ledger rows older than the cutoff into the archive table") { olderThan };
        command.SetBody(async (ctx, ct) =>
        {
            var cutoff = (ctx.ParseResult.GetValue(olderThan) ?? new Cutoff(ctx.Options.Archival.RetentionPeriod, null))
                .Resolve(ctx.Time.GetUtcNow());
            var target = ctx.Options.ResolveTables().PaymentsArchive?.ToString();
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = $"archiving payments older than {Output.Instant(cutoff)}";
                var progress = new ProgressReporter(target is null ? "deleting payments" : "archiving payments", ctx.Json);
                var count = await progress.RunAsync(p => storage.Default.ArchiveOldPaymentsAsync(cutoff, p, ct)).ConfigureAwait(false);

                if (ctx.Json)
                {
                    Output.WriteJson(new
                    {
                        Cutoff = cutoff, ArchiveTable = target, Deleted = target is null, Count = count,
                        ElapsedSeconds = Math.Round(progress.Elapsed.TotalSeconds, 3),
                    });
                }
                else
                {
                    var verb = target is null ? "Deleted" : $"Archived into {target}";
                    Output.Line($"{verb}: {count} payment(s) created before {Output.Instant(cutoff)} {progress.Summary(count)}.");
                }
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
