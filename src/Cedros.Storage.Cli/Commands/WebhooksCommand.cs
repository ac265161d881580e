using System.CommandLine;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>webhooks</c>: the group of webhook queue commands.</summary>
internal static class WebhooksCommand
{
    public static Command Create()
    {
        var webhooks = new Command("webhooks", "Outgoing webhook queue commands");
        webhooks.Subcommands.Add(WebhooksListCommand.Create());
        webhooks.Subcommands.Add(InspectCommands.WebhooksShow());
        webhooks.Subcommands.Add(WebhooksRetryCommand.Create());
        webhooks.Subcommands.Add(WebhooksDeleteCommand.Create());
        return webhooks;
    }
}
