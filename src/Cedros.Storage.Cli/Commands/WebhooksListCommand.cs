using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>webhooks list [--status s] [--limit n] [--tenant t]</c>: a tenant's webhooks, newest first.</summary>
internal static class WebhooksListCommand
{
    public static Command Create()
    {
        var status = CliOptions.Word<WebhookStatus>("--status", "Only webhooks in this status", "webhook status");
        var limit = CliOptions.IntRange("--limit", "At most this many", 1, 1000, 50);
        var tenant = CliOptions.Tenant();
        var command = new Command("list", "List a tenant's webhooks, newest first") { status, limit, tenant };
        command.SetBody(async (ctx, ct) =>
        {
            var tenantId = ctx.ParseResult.GetValue(tenant)!;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = $"listing webhooks of tenant '{tenantId}'";
                var list = await storage.ForTenant(tenantId)
                    .ListWebhooksAsync(ctx.ParseResult.GetValue(status), ctx.ParseResult.GetValue(limit), ct).ConfigureAwait(false);
                if (ctx.Json)
                {
                    Output.WriteJson(list.Select(w => new
                    {
                        w.Id, w.TenantId, w.Url, w.EventType, w.Status, w.Attempts, w.MaxAttempts, w.LastError,
                        w.LastAttemptAt, w.NextAttemptAt, w.CreatedAt, w.CompletedAt, w.LockedUntil, w.Headers, w.Payload,
                    }).ToList());
                    return ExitCodes.Ok;
                }
                if (!Output.Wide)
                {
                    Output.Records(list,
                        w => string.Create(CultureInfo.InvariantCulture, $"{w.Id}  {Output.Word(w.Status)}  {w.Attempts}/{w.MaxAttempts}  {w.EventType}"),
                        w => [("url", w.Url), ("next attempt", Output.Instant(w.NextAttemptAt)), ("created", Output.Instant(w.CreatedAt)),
                            ("last error", w.LastError)]);
                    Output.Line($"{list.Count} webhook(s) of tenant '{tenantId}'.");
                    return ExitCodes.Ok;
                }
                var table = new Table().Border(TableBorder.Rounded)
                    .AddColumn(Output.IdColumn("id"))
                    .AddColumns("status", "attempts", "event", "url", "next attempt", "created", "last error");
                foreach (var w in list)
                {
                    table.AddRow(Output.Cell(w.Id), Output.Cell(Output.Word(w.Status)),
                        Output.Cell(string.Create(CultureInfo.InvariantCulture, $"{w.Attempts}/{w.MaxAttempts}")),
                        Output.Cell(w.EventType), Output.Cell(w.Url), Output.Cell(Output.Instant(w.NextAttemptAt)),
                        Output.Cell(Output.Instant(w.CreatedAt)), Output.Cell(w.LastError));
                }
                AnsiConsole.Write(table);
                Output.Line($"{list.Count} webhook(s) of tenant '{tenantId}'.");
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
