using System.CommandLine;
using Cedros.Storage.Cli.Commands;

namespace Cedros.Storage.Cli;

/// <summary>Entry point of <c>cedros-storage</c>.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Redirected output (pipes, files, tests) has no terminal width; keep table rows on one line.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 240;
        var root = BuildRootCommand();
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not { ClearsParseErrors: true })
        {
            foreach (var error in parseResult.Errors) await Console.Error.WriteLineAsync($"cedros-storage: {error.Message}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync("Run 'cedros-storage --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        return await parseResult.InvokeAsync().ConfigureAwait(false);
    }

    /// <summary>The command tree.</summary>
    internal static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("cedros-storage: operate a Cedros.Storage database (SQLite, PostgreSQL or in-memory)");
        CliOptions.AddTo(root);
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ArchiveCommand.Create());
        root.Subcommands.Add(CleanupCommand.Create());
        root.Subcommands.Add(WebhooksCommand.Create());
        root.Subcommands.Add(PaymentsCommand.Create());
        return root;
    }
}
