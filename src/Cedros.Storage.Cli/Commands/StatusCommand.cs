using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>status [--tenant t | --all-tenants]</c>: backend, webhook counts by status and pending refunds of one
/// tenant, or of every tenant that has data.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var tenant = CliOptions.Tenant();
        var allTenants = new Option<bool>("--all-tenants") { Description = "Report every tenant that has data (see 'tenants list')" };
        var command = new Command("status", "Show the backend, webhook counts by status and pending refunds of a tenant (or all)")
        {
            tenant, allTenants,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(allTenants) && r.GetResult(tenant) is { Implicit: false })
                r.AddError("--tenant and --all-tenants cannot be combined.");
        });
        command.SetBody(async (ctx, ct) =>
        {
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                IReadOnlyList<string> tenantIds = [ctx.ParseResult.GetValue(tenant)!];
                if (ctx.ParseResult.GetValue(allTenants))
                {
                    ctx.Step = "listing tenants";
                    tenantIds = await storage.Default.ListTenantsAsync(ct).ConfigureAwait(false);
                }
                var reports = new List<(string Tenant, Dictionary<WebhookStatus, long> Webhooks, int PendingRefunds)>();
                foreach (var tenantId in tenantIds)
                {
                    var store = storage.ForTenant(tenantId);
                    ctx.Step = $"counting webhooks of tenant '{tenantId}'";
                    var webhooks = await store.CountWebhooksByStatusAsync(ct).ConfigureAwait(false);
                    ctx.Step = $"listing pending refunds of tenant '{tenantId}'";
                    var pendingRefunds = (await store.ListPendingRefundsAsync(ct).ConfigureAwait(false)).Count;
                    reports.Add((tenantId, Enum.GetValues<WebhookStatus>().ToDictionary(s => s, s => webhooks.GetValueOrDefault(s)), pendingRefunds));
                }

                if (ctx.ParseResult.GetValue(allTenants))
                {
                    if (ctx.Json)
                    {
                        Output.WriteJson(new
                        {
                            Backend = ctx.BackendName, Database = ctx.Target,
                            Tenants = reports.Select(r => new { Tenant = r.Tenant, r.Webhooks, r.PendingRefunds }).ToList(),
                        });
                        return ExitCodes.Ok;
                    }
                    Output.Line($"backend: {ctx.BackendName}");
                    Output.Line($"database: {ctx.Target}");
                    var table = new Table().Border(TableBorder.Rounded).AddColumn(Output.IdColumn("tenant"));
                    foreach (var s in Enum.GetValues<WebhookStatus>()) table.AddColumn(new TableColumn($"webhooks {Output.Word(s)}").RightAligned());
                    table.AddColumn(new TableColumn("pending refunds").RightAligned());
                    foreach (var r in reports)
                    {
                        table.AddRow([Output.Cell(r.Tenant), .. r.Webhooks.Values.Select(v => Output.Cell(v.ToString(CultureInfo.InvariantCulture))),
                            Output.Cell(r.PendingRefunds.ToString(CultureInfo.InvariantCulture))]);
                    }
                    AnsiConsole.Write(table);
                    Output.Line($"{reports.Count} tenant(s).");
                    return ExitCodes.Ok;
                }

                var one = reports[0];
                if (ctx.Json)
                {
                    Output.WriteJson(new { Backend = ctx.BackendName, Database = ctx.Target, Tenant = one.Tenant, one.Webhooks, one.PendingRefunds });
                    return ExitCodes.Ok;
                }
                var rows = new List<(string, string)> { ("backend", ctx.BackendName), ("database", ctx.Target), ("tenant", one.Tenant) };
                rows.AddRange(one.Webhooks.Select(c => ($"webhooks {Output.Word(c.Key)}", c.Value.ToString(CultureInfo.InvariantCulture))));
                rows.Add(("pending refunds", one.PendingRefunds.ToString(CultureInfo.InvariantCulture)));
                AnsiConsole.Write(Output.KeyValueTable("", "", rows));
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
