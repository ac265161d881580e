using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Cedros.Storage.Configuration;
using Cedros.Storage.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using System.CommandLine;

namespace Cedros.Storage.Cli.Commands;

/// <summary>
/// <c>demo</c>: walks one purchase end to end through the public API on the configured storage (by default the embedded
/// SQLite file <c>cedros-demo.db</c> in the current directory), printing each step and the guarantee it shows. Every run
/// uses fresh ids, so it can be run again on the same file. Meant for a scratch database: its dispatcher claims every due
/// webhook of the database while it waits for its own.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The file used when neither <c>--sqlite-path</c> nor configuration names one.</summary>
    public const string DefaultDemoFile = "cedros-demo.db";

    public static Command Create()
    {
        var command = new Command("demo", "Walk one purchase end to end and show each guarantee (SQLite file cedros-demo.db unless --sqlite-path)");
        command.SetBody(async (ctx, ct) =>
        {
            if (ctx.Options.Backend == StorageBackend.Sqlite && ctx.ParseResult.GetValue(CliOptions.SqlitePath) is null
                && ctx.Options.Sqlite.Path == new StorageOptions().Sqlite.Path)
                ctx.Options.Sqlite.Path = DefaultDemoFile;
            var storage = await ctx.OpenAndMigrateAsync(ct).ConfigureAwait(false); // the demo creates its scratch database
            await using (storage.ConfigureAwait(false))
                await RunAsync(ctx, storage, ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Step(int n, string title) => Output.Line($"{Environment.NewLine}[{n}/8] {title}");
    private static void Did(string text) => Output.Line($"      {text}");
    /// <summary>Prints the guarantee a step showed; a guarantee that did not hold fails the demo (exit 1).</summary>
    private static void Guarantee(bool held, string text)
    {
        if (!held) throw new InvalidOperationException("guarantee broken: " + text);
        Output.Line($"      OK guarantee: {text}");
    }

    private static async Task RunAsync(CommandContext ctx, ICedrosStorage storage, CancellationToken ct)
    {
        var store = storage.Default;
        var now = ctx.Time.GetUtcNow();
        var run = $"{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        Output.Line($"Cedros.Storage demo on {ctx.BackendName} ({ctx.Target}), run {run}");

        // 1. Catalogue.
        ctx.Step = "creating the product and coupon";
        Step(1, "Product and coupon");
        var product = new Product
        {
            Id = $"demo-tee-{run}", Description = "Demo T-shirt", FiatAmount = 2500, FiatCurrency = "usd",
            CryptoAmount = 25_000_000, CryptoToken = "USDC", CryptoAccount = "DemoMerchantWallet", CreatedAt = now, UpdatedAt = now,
        };
        await store.Products.CreateProductAsync(product, ct).ConfigureAwait(false);
        var couponCode = $"DEMO10-{run}";
        await store.Coupons.CreateCouponAsync(new Coupon
        {
            Code = couponCode, DiscountType = CouponDiscountType.Percentage, DiscountValue = 10, UsageLimit = 1, CreatedAt = now, UpdatedAt = now,
        }, ct).ConfigureAwait(false);
        Did($"product {product.Id} (25.00 USDC), coupon {couponCode} (10% off, usage limit 1)");
        await store.Coupons.IncrementUsageAsync(couponCode.ToLowerInvariant(), ct).ConfigureAwait(false);
        var couponRefused = await RefusedAsync(() => store.Coupons.IncrementUsageAsync(couponCode, ct)).ConfigureAwait(false);
        Did($"coupon redeemed once (looked up as typed: {couponCode.ToLowerInvariant()}); second redemption {(couponRefused ? "refused" : "ACCEPTED")}");
        Guarantee(couponRefused, "a coupon is never used beyond its limit, even by concurrent checkouts");

        // 2. Cart quote.
        ctx.Step = "saving the cart quote";
        Step(2, "Cart quote");
        var cartId = $"cart-{run}";
        const long unit = 22_500_000; // 25 USDC less 10 %
        await store.SaveCartQuoteAsync(new CartQuote
        {
            Id = cartId, Items = [new CartItem { ResourceId = product.Id, Quantity = 2, Price = unit, Asset = "USDC" }],
            TotalAmount = 2 * unit, TotalAsset = "USDC", CreatedAt = now, ExpiresAt = now.AddMinutes(15),
        }, ct).ConfigureAwait(false);
        var quote = await store.GetCartQuoteAsync(cartId, ct).ConfigureAwait(false);
        Did($"cart {cartId}: 2 x {product.Id}, total {quote!.TotalAmount / 1_000_000m:0.00} {quote.TotalAsset}, valid until {quote.ExpiresAt:HH:mm:ss} UTC");
        Guarantee(quote.TotalAmount == 2 * unit, "the quoted price is stored and read back exactly until it expires");

        // 3. Stock.
        ctx.Step = "reserving stock";
        Step(3, "Stock reservation");
        await store.ReserveInventoryAsync(new InventoryReservation
        {
            Id = $"res-{run}", ProductId = product.Id, Quantity = 2, CartId = cartId, CreatedAt = now, ExpiresAt = now.AddMinutes(15),
        }, availableStock: 3, ct).ConfigureAwait(false);
        var oversold = !await RefusedAsync(() => store.ReserveInventoryAsync(new InventoryReservation
        {
            Id = $"res-other-{run}", ProductId = product.Id, Quantity = 2, CartId = $"other-cart-{run}", CreatedAt = now, ExpiresAt = now.AddMinutes(15),
        }, availableStock: 3, ct)).ConfigureAwait(false);
        Did($"2 of 3 in stock reserved for {cartId}; another cart asking for 2 more: {(oversold ? "ACCEPTED" : "refused")}");
        Guarantee(!oversold, "stock is never oversold: the check and the reservation are one atomic step");

        // 4. Payment.
        ctx.Step = "recording the payment";
        Step(4, "Payment");
        var signature = $"demo-sig-{run}";
        var payment = new PaymentTransaction
        {
            Signature = signature, ResourceId = cartId, Wallet = "DemoBuyerWallet", Amount = 2 * unit, AmountAsset = "USDC", CreatedAt = now,
        };
        await store.RecordPaymentAsync(payment, ct).ConfigureAwait(false);
        var replayAccepted = await store.TryRecordPaymentAsync(payment, ct).ConfigureAwait(false);
        await store.MarkCartPaidAsync(cartId, payment.Wallet, ct).ConfigureAwait(false);
        Did($"payment {signature} recorded; the same signature again: {(replayAccepted ? "ACCEPTED" : "refused as a replay")}");
        Guarantee(!replayAccepted, "a payment signature is accepted once, ever (also after archival)");

        // 5. Order, history, fulfillment and its webhook in one transaction.
        ctx.Step = "storing the order";
        Step(5, "Order, history, fulfillment and webhook in one transaction");
        var receiver = new DemoReceiver(Secret());
        await using (receiver.ConfigureAwait(false))
        {
            var orderId = $"order-{run}";
            var webhookId = $"evt-order-paid-{run}";
            await store.InTransactionAsync(async (tx, t) =>
            {
                await tx.TryStoreOrderAsync(new Order
                {
                    Id = orderId, Source = "x402", PurchaseId = signature, ResourceId = product.Id, Customer = payment.Wallet,
                    Items = [new OrderItem { ProductId = product.Id, Quantity = 2, UnitPrice = unit, Asset = "USDC" }],
                    Amount = 2 * unit, AmountAsset = "USDC", CreatedAt = now, UpdatedAt = now, StatusUpdatedAt = now,
                }, t).ConfigureAwait(false);
                await tx.UpdateOrderStatusWithHistoryAsync(orderId, OrderStatus.Created, OrderStatus.Paid, now, "payment " + signature, "demo", t)
                    .ConfigureAwait(false);
                await tx.ConvertInventoryReservationsAsync(cartId, now, t).ConfigureAwait(false);
                await tx.EnqueueWebhookAsync(new PendingWebhook
                {
                    Id = webhookId, Url = receiver.Url, EventType = "order.paid",
                    Payload = $"{{\"type\":\"order.paid\",\"order_id\":\"{orderId}\",\"amount\":{2 * unit}}}",
                }, t).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            await store.CreateFulfillmentAsync(new Fulfillment
            {
                Id = $"ful-{run}", OrderId = orderId, Items = [new FulfillmentItem { ProductId = product.Id, Quantity = 2 }],
                CreatedAt = now, UpdatedAt = now,
            }, ct).ConfigureAwait(false);
            var history = await store.ListOrderHistoryAsync(orderId, 10, ct).ConfigureAwait(false);
            var fulfillments = await store.ListFulfillmentsAsync(orderId, 10, ct).ConfigureAwait(false);
            Did($"order {orderId} paid ({history.Count} history entry: created -> paid), {fulfillments.Count} fulfillment, reservation converted");
            Did($"webhook {webhookId} enqueued in the same transaction (status {(await store.GetWebhookAsync(webhookId, ct).ConfigureAwait(false))!.Status.ToString().ToLowerInvariant()})");
            Guarantee(history.Count == 1 && fulfillments.Count == 1, "the order, its history and its webhook commit together or not at all");

            // 6. Delivery by the dispatcher.
            ctx.Step = "delivering the webhook";
            Step(6, "Webhook delivery");
            await DeliverAsync(storage, ctx.Options, receiver, webhookId, ct).ConfigureAwait(false);
            var delivered = (await store.GetWebhookAsync(webhookId, ct).ConfigureAwait(false))!;
            Did($"claimed and POSTed by the dispatcher to {receiver.Url}: {receiver.Deliveries(webhookId)} delivery, signature verified, status {delivered.Status.ToString().ToLowerInvariant()} after {delivered.Attempts} attempt");
            Guarantee(delivered.Status == WebhookStatus.Success && receiver.VerifiedDeliveries(webhookId) == 1, "delivered at least once, signed (Standard Webhooks); acknowledged once, never lost");
        }

        // 7. Refund.
        ctx.Step = "paying out the refund";
        Step(7, "Refund");
        var refundId = $"refund-{run}";
        await store.SaveRefundQuoteAsync(new RefundQuote
        {
            Id = refundId, OriginalPurchaseId = signature, RecipientWallet = payment.Wallet, Amount = unit, AmountAsset = "USDC",
            Token = "USDC", TokenDecimals = 6, Reason = "one shirt returned", CreatedAt = now, ExpiresAt = now.AddHours(1),
        }, ct).ConfigureAwait(false);
        var claim = await store.TryBeginRefundPayoutAsync(refundId, "demo-worker-1", TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
        var second = await store.TryBeginRefundPayoutAsync(refundId, "demo-worker-2", TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
        await store.MarkRefundProcessedAsync(refundId, "demo-worker-1", $"demo-refund-sig-{run}", ct).ConfigureAwait(false);
        Did($"refund {refundId} of 22.50 USDC requested; payout claimed by worker 1 ({(claim is null ? "REFUSED" : "ok")}); worker 2's claim {(second is null ? "refused" : "ACCEPTED")}; paid out once");
        Guarantee(claim is not null && second is null, "a refund is paid out once: one payout claim wins, even across servers");

        // 8. Admin nonce.
        ctx.Step = "consuming the admin nonce";
        Step(8, "Admin nonce");
        var nonceId = $"nonce-{run}";
        await store.CreateNonceAsync(new AdminNonce { Id = nonceId, Purpose = "approve-refund", CreatedAt = now, ExpiresAt = now.AddMinutes(5) }, ct)
            .ConfigureAwait(false);
        await store.ConsumeNonceAsync(nonceId, "approve-refund", ct).ConfigureAwait(false);
        var reused = !await RefusedAsync(() => store.ConsumeNonceAsync(nonceId, "approve-refund", ct)).ConfigureAwait(false);
        Did($"nonce {nonceId} consumed; second use {(reused ? "ACCEPTED" : "refused (already consumed)")}");
        Guarantee(!reused, "an admin action authorised by a nonce runs once");

        Output.Line("");
        Output.Line($"Demo complete. The data is in {ctx.Target}; look at it with, e.g.:");
        var where = ctx.Options.Backend == StorageBackend.Sqlite ? $" --sqlite-path {ctx.Options.Sqlite.Path}" : "";
        Output.Line($"  cedros-storage status{where}");
        Output.Line($"  cedros-storage webhooks list{where}");
    }

    /// <summary>True when <paramref name="call"/> was refused with a storage error (the guarantee held).</summary>
    private static async Task<bool> RefusedAsync(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            return false;
        }
        catch (StorageException)
        {
            return true;
        }
    }

    private static string Secret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>Runs the dispatcher as an application would (<c>AddCedrosWebhookDispatcher</c>) until the receiver has the
    /// webhook and the queue has it acknowledged.</summary>
    private static async Task DeliverAsync(ICedrosStorage storage, StorageOptions options, DemoReceiver receiver, string webhookId, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddSingleton(storage);
        services.AddSingleton(Options.Create(options));
        services.AddCedrosWebhookDispatcher(o =>
        {
            o.SigningSecret = _ => receiver.Secret;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.RequestTimeout = TimeSpan.FromSeconds(10);
        });
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            var hosted = provider.GetServices<IHostedService>().ToArray();
            foreach (var service in hosted) await service.StartAsync(ct).ConfigureAwait(false);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                while ((await storage.Default.GetWebhookAsync(webhookId, timeout.Token).ConfigureAwait(false))!.Status != WebhookStatus.Success)
                    await Task.Delay(50, timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                foreach (var service in hosted) await service.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        if (receiver.VerifiedDeliveries(webhookId) == 0)
            throw new InvalidOperationException("the receiver got no delivery with a valid signature.");
    }

    /// <summary>A loopback HTTP receiver that verifies each Standard Webhooks signature and counts deliveries.</summary>
    private sealed class DemoReceiver : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private readonly List<(string? Id, bool Valid)> _received = [];

        public DemoReceiver(string secret)
        {
            Secret = secret;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/webhooks";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public string Secret { get; }
        public string Url { get; }

        public int Deliveries(string id)
        {
            lock (_received) return _received.Count(r => r.Id == id);
        }

        public int VerifiedDeliveries(string id)
        {
            lock (_received) return _received.Count(r => r.Id == id && r.Valid);
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync().ConfigureAwait(false);
                var id = context.Request.Headers[StandardWebhookSignature.IdHeader];
                var valid = StandardWebhookSignature.Verify(Secret, id, context.Request.Headers[StandardWebhookSignature.TimestampHeader],
                    context.Request.Headers[StandardWebhookSignature.SignatureHeader], body, DateTimeOffset.UtcNow);
                lock (_received) _received.Add((id, valid));
                context.Response.StatusCode = valid ? 200 : 401;
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop.ConfigureAwait(false);
        }
    }
}
