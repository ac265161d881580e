using System.CommandLine;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>webhooks delete &lt;id&gt;</c>: deletes a webhook from the queue.</summary>
internal static class WebhooksDeleteCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Webhook id" };
        var tenant = CliOptions.Tenant();
        var command = new Command("delete", "Delete a webhook from the queue") { id, tenant };
        command.SetBody(async (ctx, ct) =>
        {
            var webhookId = ctx.ParseResult.GetValue(id)!;
            var tenantId = ctx.ParseResult.GetValue(tenant)!;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = $"deleting webhook '{webhookId}' of tenant '{tenantId}'";
                await storage.ForTenant(tenantId).DeleteWebhookAsync(webhookId, ct).ConfigureAwait(false);
                if (ctx.Json) Output.WriteJson(new { Id = webhookId, Tenant = tenantId, Deleted = true });
                else Output.Line($"Webhook '{webhookId}' deleted.");
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
