using System.CommandLine;
using Spectre.Console;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>status</c>: backend, webhook counts by status and pending refunds of one tenant.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var tenant = CliOptions.Tenant();
        var command = new Command("status", "Show the backend, webhook counts by status and pending refunds of a tenant") { tenant };
        command.SetBody(async (ctx, ct) =>
        {
            var tenantId = ctx.ParseResult.GetValue(tenant)!;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                var store = storage.ForTenant(tenantId);
                ctx.Step = $"counting webhooks of tenant '{tenantId}'";
                var webhooks = await store.CountWebhooksByStatusAsync(ct).ConfigureAwait(false);
                ctx.Step = $"listing pending refunds of tenant '{tenantId}'";
                var pendingRefunds = (await store.ListPendingRefundsAsync(ct).ConfigureAwait(false)).Count;

                var counts = Enum.GetValues<WebhookStatus>().ToDictionary(s => s, s => webhooks.GetValueOrDefault(s));
                if (ctx.Json)
                {
                    Output.WriteJson(new { Backend = ctx.BackendName, Database = ctx.Target, Tenant = tenantId, Webhooks = counts, PendingRefunds = pendingRefunds });
                    return ExitCodes.Ok;
                }
                var rows = new List<(string, string)> { ("backend", ctx.BackendName), ("database", ctx.Target), ("tenant", tenantId) };
                rows.AddRange(counts.Select(c => ($"webhooks {Output.Word(c.Key)}", c.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                rows.Add(("pending refunds", pendingRefunds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                AnsiConsole.Write(Output.KeyValueTable("", "", rows));
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
