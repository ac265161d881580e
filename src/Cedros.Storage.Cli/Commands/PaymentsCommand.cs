using System.CommandLine;

namespace Cedros.Storage.Cli.Commands;

/// <summary><c>payments check &lt;signature&gt;</c>: was the signature processed, in any tenant (archive included)?</summary>
internal static class PaymentsCommand
{
    public static Command Create()
    {
        var signature = new Argument<string>("signature") { Description = "Payment signature" };
        var check = new Command("check", "Tell whether a payment signature was already processed (any tenant, archive included)") { signature };
        check.SetBody(async (ctx, ct) =>
        {
            var sig = ctx.ParseResult.GetValue(signature)!;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = "checking the payment ledger";
                var processed = await storage.Default.HasPaymentBeenProcessedAsync(sig, ct).ConfigureAwait(false);
                if (ctx.Json) Output.WriteJson(new { Signature = sig, Processed = processed });
                else Output.Line(processed ? $"processed: '{sig}' was already recorded." : $"not processed: '{sig}' is unknown.");
                return ExitCodes.Ok;
            }
        });
        var payments = new Command("payments", "Payment ledger commands");
        payments.Subcommands.Add(check);
        payments.Subcommands.Add(InspectCommands.PaymentsShow());
        return payments;
    }
}
