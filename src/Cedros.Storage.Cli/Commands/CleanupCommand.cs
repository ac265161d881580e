using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>cleanup</c>: runs every cleanup once, across tenants, and prints the counts.</summary>
internal static class CleanupCommand
{
    public static Command Create()
    {
        var retention = CliOptions.Duration("--webhook-retention",
            "Delete completed (success/failed) webhooks completed longer ago than this. Default: storage.cleanup.completed_webhook_retention");
        var command = new Command("cleanup",
            "Delete expired nonces and idempotency keys, release expired inventory reservations, delete old completed webhooks")
        {
            retention,
        };
        command.SetBody(async (ctx, ct) =>
        {
            var webhookRetention = ctx.ParseResult.GetValue(retention) ?? ctx.Options.Cleanup.CompletedWebhookRetention;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                var store = storage.Default;
                var now = ctx.Time.GetUtcNow();

                ctx.Step = "deleting expired admin nonces";
                var nonces = await new ProgressReporter(ctx.Step, ctx.Json)
                    .RunAsync(p => store.CleanupExpiredNoncesAsync(p, ct)).ConfigureAwait(false);
                ctx.Step = "deleting expired idempotency keys";
                var keys = await new ProgressReporter(ctx.Step, ctx.Json)
                    .RunAsync(p => store.CleanupExpiredIdempotencyKeysAsync(p, ct)).ConfigureAwait(false);
                ctx.Step = "releasing expired inventory reservations";
                var reservations = await new ProgressReporter(ctx.Step, ctx.Json)
                    .RunAsync(p => store.CleanupExpiredInventoryReservationsAsync(now, p, ct)).ConfigureAwait(false);
                ctx.Step = "deleting completed webhooks";
                var webhookCutoff = now - webhookRetention;
                var webhooks = await new ProgressReporter(ctx.Step, ctx.Json)
                    .RunAsync(p => store.CleanupCompletedWebhooksAsync(webhookCutoff, p, ct)).ConfigureAwait(false);

                if (ctx.Json)
                {
                    Output.WriteJson(new
                    {
                        ExpiredNonces = nonces,
                        ExpiredIdempotencyKeys = keys,
                        ExpiredReservations = reservations,
                        CompletedWebhooks = webhooks,
                        WebhookCutoff = webhookCutoff,
                    });
                    return ExitCodes.Ok;
                }
                AnsiConsole.Write(Output.KeyValueTable("cleanup", "rows", [
                    ("expired admin nonces deleted", nonces.ToString(CultureInfo.InvariantCulture)),
                    ("expired idempotency keys deleted", keys.ToString(CultureInfo.InvariantCulture)),
                    ("expired inventory reservations released", reservations.ToString(CultureInfo.InvariantCulture)),
                    ($"completed webhooks before {Output.Instant(webhookCutoff)} deleted", webhooks.ToString(CultureInfo.InvariantCulture)),
                ]));
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
