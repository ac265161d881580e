using System.CommandLine;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>webhooks retry &lt;id&gt;</c>: requeues a webhook now with its attempts reset.</summary>
internal static class WebhooksRetryCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Webhook id" };
        var tenant = CliOptions.Tenant();
        var command = new Command("retry", "Requeue a webhook now with its attempts reset (not while it is processing)") { id, tenant };
        command.SetBody(async (ctx, ct) =>
        {
            var webhookId = ctx.ParseResult.GetValue(id)!;
            var tenantId = ctx.ParseResult.GetValue(tenant)!;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = $"retrying webhook '{webhookId}' of tenant '{tenantId}'";
                await storage.ForTenant(tenantId).RetryWebhookAsync(webhookId, ct).ConfigureAwait(false);
                if (ctx.Json) Output.WriteJson(new { Id = webhookId, Tenant = tenantId, Retried = true });
                else Output.Line($"Webhook '{webhookId}' requeued.");
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
