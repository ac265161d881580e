using System.CommandLine;
using Cedros.Storage.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cedros.Storage.Cli.Commands;

/// <summary>
/// <c>worker</c>: runs the library's maintenance hosted services (archival and cleanup, as configured by
/// <c>storage.archival.*</c> / <c>storage.cleanup.*</c>) in this process until Ctrl+C or SIGTERM. The services are the
/// ones <c>AddCedrosStorage</c> registers, over the storage the tool opened (verified, not migrated); their log lines
/// (one per pass, with counts and duration) go to stdout, as JSON lines with <c>--json</c>.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker",
            "Run the maintenance services (archival, cleanup) as configured until Ctrl+C / SIGTERM; one log line per pass");
        command.SetBody(async (ctx, ct) =>
        {
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                var services = new ServiceCollection();
                services.AddLogging(logging =>
                {
                    logging.SetMinimumLevel(LogLevel.Information);
                    if (ctx.Json) logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
                    else
                    {
                        logging.AddSimpleConsole(o =>
                        {
                            o.SingleLine = true;
                            o.UseUtcTimestamp = true;
                            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z' ";
                            o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
                        });
                    }
                });
                // The opened storage and the tool's options are registered first, so AddCedrosStorage keeps them.
                services.AddSingleton(storage);
                services.AddSingleton(Options.Create(ctx.Options));
                services.AddCedrosStorage(_ => { });
                var provider = services.BuildServiceProvider();
                await using (provider.ConfigureAwait(false))
                {
                    var hosted = provider.GetServices<IHostedService>().ToList();
                    ctx.Step = "starting the maintenance services";
                    foreach (var service in hosted) await service.StartAsync(ct).ConfigureAwait(false);
                    var o = ctx.Options;
                    var archival = o.Archival.Enabled ? $"every {Output.Duration(o.Archival.RunInterval)}, retention {Output.Duration(o.Archival.RetentionPeriod)}" : "disabled";
                    var cleanup = o.Cleanup.Enabled ? $"every {Output.Duration(o.Cleanup.Interval)}" : "disabled";
                    if (!ctx.Json)
                        Output.Line($"worker started on {ctx.BackendName}: archival {archival}; cleanup {cleanup}. Ctrl+C to stop.");
                    ctx.Step = "running the maintenance services";
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        // Stop the services (they cancel their running pass) before the storage is disposed.
                        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                        foreach (var service in Enumerable.Reverse(hosted))
                            await service.StopAsync(stopping.Token).ConfigureAwait(false);
                    }
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
