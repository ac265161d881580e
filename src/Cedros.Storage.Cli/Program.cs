using System.CommandLine;
using System.CommandLine.Parsing;
using Cedros.Storage.Cli.Commands;

namespace Cedros.Storage.Cli;

/// <summary>Entry point of <c>cedros-storage</c>.</summary>
internal static class Program
{
    /// <summary>How long a command may take to wind down after Ctrl+C / SIGTERM before System.CommandLine exits
    /// anyway (130 for SIGINT, 143 for SIGTERM). Commands stop at the next cancellation check, well within this.</summary>
    internal static readonly TimeSpan TerminationTimeout = TimeSpan.FromSeconds(15);

    private static async Task<int> Main(string[] args)
    {
        // Redirected output (pipes, files, tests) has no terminal width; keep table rows on one line unless COLUMNS says.
        if (Console.IsOutputRedirected)
        {
            Spectre.Console.AnsiConsole.Profile.Width =
                int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var columns) && columns >= 20 ? columns : 240;
        }
        var root = BuildRootCommand();
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not { ClearsParseErrors: true })
            return await ReportParseErrorsAsync(parseResult).ConfigureAwait(false);
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = TerminationTimeout };
        return await parseResult.InvokeAsync(configuration).ConfigureAwait(false);
    }

    /// <summary>Usage errors (exit 2), each with a suggestion when a word is close to a command or option name; under
    /// <c>--json</c> one JSON object on stderr.</summary>
    private static async Task<int> ReportParseErrorsAsync(ParseResult parseResult)
    {
        var messages = parseResult.Errors.Select(e => e.Message + Suggestions.For(e.Message, parseResult)).ToList();
        if (parseResult.Tokens.Any(t => t.Value == "--json"))
        {
            Output.WriteJsonError(new { Error = new { Message = string.Join(" ", messages), Kind = "usage", ExitCode = ExitCodes.Usage, Errors = messages } });
            return ExitCodes.Usage;
        }
        foreach (var message in messages) await Console.Error.WriteLineAsync($"cedros-storage: {message}").ConfigureAwait(false);
        await Console.Error.WriteLineAsync("Run 'cedros-storage --help' for usage.").ConfigureAwait(false);
        return ExitCodes.Usage;
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
        root.Subcommands.Add(WorkerCommand.Create());
        root.Subcommands.Add(InspectCommands.Tenants());
        root.Subcommands.Add(InspectCommands.Orders());
        root.Subcommands.Add(InspectCommands.Refunds());
        return root;
    }
}
