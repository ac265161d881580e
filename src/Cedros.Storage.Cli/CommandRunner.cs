using System.CommandLine;
using System.Runtime.InteropServices;
using Cedros.Storage.Configuration;

namespace Cedros.Storage.Cli;

/// <summary>Exit codes of the tool.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>A storage operation failed (one line on stderr says which).</summary>
    public const int StorageError = 1;
    /// <summary>Bad command line or configuration.</summary>
    public const int Usage = 2;
    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}

/// <summary>Runs a command body with the tool's error policy: configuration errors → 2, storage errors → 1, each as
/// one line on stderr naming what failed and never a password.</summary>
internal static class CommandRunner
{
    /// <summary>Sets <paramref name="command"/>'s action to run <paramref name="body"/> under the error policy.</summary>
    public static void SetBody(this Command command, Func<CommandContext, CancellationToken, Task<int>> body) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, body, cancellationToken));

    private static async Task<int> RunAsync(ParseResult parseResult, Func<CommandContext, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        StorageOptions options;
        try
        {
            options = StorageOptionsLoader.Load(CliOptions.OverridesOf(parseResult));
        }
        catch (StorageConfigurationException ex)
        {
            return Fail(ExitCodes.Usage, "loading configuration", ex.Message, null, parseResult.GetValue(CliOptions.Json), "configuration");
        }

        var context = new CommandContext(parseResult, options, TimeProvider.System);
        // Ctrl+C and SIGTERM cancel the command's token here, whatever the parser's own termination handling does (a
        // SIGTERM during `archive` used to kill the process at once, exit 143, without "cancelled."). The signal is
        // kept from ending the process; if the command has not stopped after Program.TerminationTimeout it exits anyway.
        using var signalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = OnSignal(PosixSignal.SIGINT, signalled, ExitCodes.Cancelled);
        using var sigterm = OnSignal(PosixSignal.SIGTERM, signalled, 143);
        cancellationToken = signalled.Token;
        try
        {
            return await body(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Cancelled(context.Json);
        }
        catch (StorageException) when (cancellationToken.IsCancellationRequested)
        {
            // A driver may surface the cancelled command as a storage error: Ctrl+C still means "cancelled".
            return Cancelled(context.Json);
        }
        catch (StorageConfigurationException ex)
        {
            return Fail(ExitCodes.Usage, context.Step, ex.Message, options, context.Json, "configuration");
        }
        catch (StorageException ex)
        {
            return Fail(ExitCodes.StorageError, context.Step, $"{ex.Message} ({ex.Kind})", options, context.Json, ex.Kind.ToString());
        }
#pragma warning disable CA1031 // The tool's last line of defence: any failure becomes one scrubbed line and exit 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Fail(ExitCodes.StorageError, context.Step, $"unexpected {ex.GetType().Name}: {ex.Message}", options, context.Json, "Internal");
        }
    }

    /// <summary>Cancels <paramref name="signalled"/> on <paramref name="signal"/> instead of ending the process; after
    /// <see cref="Program.TerminationTimeout"/> without the command stopping, exits with <paramref name="forcedExitCode"/>.</summary>
    private static PosixSignalRegistration? OnSignal(PosixSignal signal, CancellationTokenSource signalled, int forcedExitCode)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                try
                {
                    signalled.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    return; // the command already ended
                }
                _ = Task.Delay(Program.TerminationTimeout).ContinueWith(_ => Environment.Exit(forcedExitCode), TaskScheduler.Default);
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Ctrl+C / SIGTERM: "cancelled." on stderr (JSON under <c>--json</c>), exit 130.</summary>
    private static int Cancelled(bool json)
    {
        if (json) Output.WriteJsonError(new { Error = new { Message = "cancelled.", Kind = "cancelled", ExitCode = ExitCodes.Cancelled } });
        else Console.Error.WriteLine("cancelled.");
        return ExitCodes.Cancelled;
    }

    /// <summary>One line on stderr: <c>cedros-storage: &lt;step&gt; failed: &lt;message&gt;</c>, or under <c>--json</c> one
    /// JSON object <c>{"error":{"step","message","kind","exit_code"}}</c>; never a password.</summary>
    internal static int Fail(int exitCode, string step, string message, StorageOptions? options, bool json = false, string? kind = null)
    {
        if (json)
        {
            Output.WriteJsonError(new
            {
                Error = new
                {
                    Step = step,
                    Message = Secrets.Scrub(message.ReplaceLineEndings(" "), options),
                    Kind = kind is null ? null : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind),
                    ExitCode = exitCode,
                },
            });
            return exitCode;
        }
        var line = $"cedros-storage: {step} failed: {message}".ReplaceLineEndings(" ");
        Console.Error.WriteLine(Secrets.Scrub(line, options));
        return exitCode;
    }
}
