using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Cedros.Storage.Cli.Commands;

/// <summary>Read-only inspection commands: <c>tenants list</c>, <c>orders list|show</c>, <c>refunds pending</c>,
/// <c>payments show</c>, <c>webhooks show</c>. Each uses only the storage's public API.</summary>
internal static class InspectCommands
{
    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(long amount, string asset) => $"{N(amount)} {asset}".Trim();

    private static string Meta(IReadOnlyDictionary<string, string>? values) =>
        values is null || values.Count == 0 ? "" : string.Join(", ", values.Select(p => $"{p.Key}={p.Value}"));

    /// <summary><c>tenants list</c>.</summary>
    public static Command Tenants()
    {
        var list = new Command("list", "List every tenant that has data (any table, archive included)");
        list.SetBody(async (ctx, ct) =>
        {
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = "listing tenants";
                var tenants = await storage.Default.ListTenantsAsync(ct).ConfigureAwait(false);
                if (ctx.Json) Output.WriteJson(tenants);
                else foreach (var tenant in tenants) Output.Line(tenant);
                return ExitCodes.Ok;
            }
        });
        var tenantsCommand = new Command("tenants", "Tenant commands");
        tenantsCommand.Subcommands.Add(list);
        return tenantsCommand;
    }

    /// <summary><c>orders list</c> and <c>orders show</c>.</summary>
    public static Command Orders()
    {
        var status = CliOptions.Word<OrderStatus>("--status", "Only orders in this status", "order status");
        var search = new Option<string?>("--search") { Description = "Case-insensitive substring of id, purchase id, resource, customer or e-mail", HelpName = "text" };
        var limit = CliOptions.IntRange("--limit", "At most this many", 1, 1000, 50);
        var offset = CliOptions.IntRange("--offset", "Skip this many", 0, int.MaxValue, 0);
        var tenant = CliOptions.Tenant();
        var list = new Command("list", "List a tenant's orders, newest first") { status, search, limit, offset, tenant };
        list.SetBody(async (ctx, ct) =>
        {
            var tenantId = ctx.ParseResult.GetValue(tenant)!;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = $"listing orders of tenant '{tenantId}'";
                var page = await storage.ForTenant(tenantId).ListOrdersFilteredAsync(ctx.ParseResult.GetValue(status),
                    ctx.ParseResult.GetValue(search), null, null, ctx.ParseResult.GetValue(limit), ctx.ParseResult.GetValue(offset), ct).ConfigureAwait(false);
                if (ctx.Json)
                {
                    Output.WriteJson(new { Tenant = tenantId, page.Total, Orders = page.Items });
                    return ExitCodes.Ok;
                }
                if (Output.Wide)
                {
                    var table = new Table().Border(TableBorder.Rounded).AddColumn(Output.IdColumn("id"))
                        .AddColumns("status", "amount", "source", "purchase", "customer", "created");
                    foreach (var o in page.Items)
                        table.AddRow(Output.Cell(o.Id), Output.Cell(Output.Word(o.Status)), Output.Cell(Money(o.Amount, o.AmountAsset)),
                            Output.Cell(o.Source), Output.Cell(o.PurchaseId), Output.Cell(o.CustomerEmail ?? o.Customer), Output.Cell(Output.Instant(o.CreatedAt)));
                    AnsiConsole.Write(table);
                }
                else
                {
                    Output.Records(page.Items, o => $"{o.Id}  {Output.Word(o.Status)}  {Money(o.Amount, o.AmountAsset)}",
                        o => [("source", o.Source), ("purchase", o.PurchaseId), ("customer", o.CustomerEmail ?? o.Customer), ("created", Output.Instant(o.CreatedAt))]);
                }
                Output.Line($"{page.Items.Count} of {page.Total} order(s) of tenant '{tenantId}'.");
                return ExitCodes.Ok;
            }
        });

        var id = new Argument<string>("id") { Description = "Order id" };
        var showTenant = CliOptions.Tenant();
        var show = new Command("show", "Show an order with its status history and fulfillments") { id, showTenant };
        show.SetBody(async (ctx, ct) =>
        {
            var orderId = ctx.ParseResult.GetValue(id)!;
            var tenantId = ctx.ParseResult.GetValue(showTenant)!;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                var store = storage.ForTenant(tenantId);
                ctx.Step = $"reading order '{orderId}' of tenant '{tenantId}'";
                var order = await store.GetOrderAsync(orderId, ct).ConfigureAwait(false) ?? throw new StorageNotFoundException("order", orderId);
                var history = await store.ListOrderHistoryAsync(orderId, 1000, ct).ConfigureAwait(false);
                var fulfillments = await store.ListFulfillmentsAsync(orderId, 1000, ct).ConfigureAwait(false);
                if (ctx.Json)
                {
                    Output.WriteJson(new { Order = order, History = history, Fulfillments = fulfillments });
                    return ExitCodes.Ok;
                }
                Output.Line($"order {order.Id}");
                Fields([
                    ("tenant", order.TenantId), ("status", Output.Word(order.Status)), ("amount", Money(order.Amount, order.AmountAsset)),
                    ("source", order.Source), ("purchase", order.PurchaseId), ("resource", order.ResourceId), ("user", order.UserId),
                    ("customer", order.Customer), ("e-mail", order.CustomerEmail), ("shipping", Meta(order.Shipping)), ("metadata", Meta(order.Metadata)),
                    ("created", Output.Instant(order.CreatedAt)), ("updated", Output.Instant(order.UpdatedAt)),
                    ("status updated", Output.Instant(order.StatusUpdatedAt)),
                ]);
                Output.Line($"items ({order.Items.Count}):");
                foreach (var item in order.Items)
                    Output.Line($"    {item.Quantity} x {item.ProductId}{(item.VariantId is null ? "" : "/" + item.VariantId)}  {item.Name}  {Money(item.UnitPrice, item.Asset ?? "")}");
                Output.Line($"history ({history.Count}, newest first):");
                foreach (var h in history)
                    Output.Line($"    {Output.Instant(h.CreatedAt)}  {Output.Word(h.FromStatus)} -> {Output.Word(h.ToStatus)}  {h.Actor}  {h.Note}".TrimEnd());
                Output.Line($"fulfillments ({fulfillments.Count}):");
                foreach (var f in fulfillments)
                {
                    Output.Line($"    {f.Id}  {Output.Word(f.Status)}  {f.Carrier} {f.TrackingNumber}".TrimEnd());
                    if (f.TrackingUrl is not null) Output.Line($"        tracking: {f.TrackingUrl}");
                    if (f.ShippedAt is not null) Output.Line($"        shipped: {Output.Instant(f.ShippedAt)}");
                    if (f.DeliveredAt is not null) Output.Line($"        delivered: {Output.Instant(f.DeliveredAt)}");
                }
                return ExitCodes.Ok;
            }
        });

        var orders = new Command("orders", "Order commands");
        orders.Subcommands.Add(list);
        orders.Subcommands.Add(show);
        return orders;
    }

    /// <summary><c>refunds pending</c>.</summary>
    public static Command Refunds()
    {
        var tenant = CliOptions.Tenant();
        var pending = new Command("pending", "List a tenant's pending refunds") { tenant };
        pending.SetBody(async (ctx, ct) =>
        {
            var tenantId = ctx.ParseResult.GetValue(tenant)!;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = $"listing pending refunds of tenant '{tenantId}'";
                var refunds = await storage.ForTenant(tenantId).ListPendingRefundsAsync(ct).ConfigureAwait(false);
                if (ctx.Json)
                {
                    Output.WriteJson(refunds);
                    return ExitCodes.Ok;
                }
                Output.Records(refunds, r => $"{r.Id}  {Output.Word(r.Status)}  {Money(r.Amount, r.AmountAsset)}",
                    r => [("recipient", r.RecipientWallet), ("original purchase", r.OriginalPurchaseId), ("reason", r.Reason),
                        ("created", Output.Instant(r.CreatedAt)), ("expires", Output.Instant(r.ExpiresAt))]);
                Output.Line($"{refunds.Count} pending refund(s) of tenant '{tenantId}'.");
                return ExitCodes.Ok;
            }
        });
        var refundsCommand = new Command("refunds", "Refund commands");
        refundsCommand.Subcommands.Add(pending);
        return refundsCommand;
    }

    /// <summary><c>payments show &lt;signature&gt;</c>: the recorded payment (ledger or archive); every tenant is
    /// searched unless <c>--tenant</c> is given.</summary>
    public static Command PaymentsShow()
    {
        var signature = new Argument<string>("signature") { Description = "Payment signature" };
        var tenant = new Option<string?>("--tenant") { Description = "Look only in this tenant (default: every tenant)", HelpName = "id" };
        tenant.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string?>();
            if (value is not null && !TenantIds.IsValid(value))
                r.AddError($"--tenant '{value}' is not a tenant id (1-64 characters of [A-Za-z0-9_-]).");
        });
        var show = new Command("show", "Show a recorded payment (ledger or archive)") { signature, tenant };
        show.SetBody(async (ctx, ct) =>
        {
            var sig = ctx.ParseResult.GetValue(signature)!;
            var only = ctx.ParseResult.GetValue(tenant);
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = "looking up the payment";
                var tenants = only is not null ? [only] : await storage.Default.ListTenantsAsync(ct).ConfigureAwait(false);
                PaymentTransaction? payment = null;
                foreach (var t in tenants)
                {
                    payment = await storage.ForTenant(t).GetPaymentAsync(sig, ct).ConfigureAwait(false);
                    if (payment is not null) break;
                }
                if (payment is null) throw new StorageNotFoundException("payment", sig);
                if (ctx.Json)
                {
                    Output.WriteJson(payment);
                    return ExitCodes.Ok;
                }
                Output.Line($"payment {payment.Signature}");
                Fields([
                    ("tenant", payment.TenantId), ("amount", Money(payment.Amount, payment.AmountAsset)), ("resource", payment.ResourceId),
                    ("wallet", payment.Wallet), ("created", Output.Instant(payment.CreatedAt)), ("metadata", Meta(payment.Metadata)),
                ]);
                return ExitCodes.Ok;
            }
        });
        return show;
    }

    /// <summary><c>webhooks show &lt;id&gt;</c>.</summary>
    public static Command WebhooksShow()
    {
        var id = new Argument<string>("id") { Description = "Webhook id" };
        var tenant = CliOptions.Tenant();
        var show = new Command("show", "Show one webhook with its headers and payload") { id, tenant };
        show.SetBody(async (ctx, ct) =>
        {
            var webhookId = ctx.ParseResult.GetValue(id)!;
            var tenantId = ctx.ParseResult.GetValue(tenant)!;
            var storage = await ctx.OpenAsync(ct).ConfigureAwait(false);
            await using (storage.ConfigureAwait(false))
            {
                ctx.Step = $"reading webhook '{webhookId}' of tenant '{tenantId}'";
                var w = await storage.ForTenant(tenantId).GetWebhookAsync(webhookId, ct).ConfigureAwait(false)
                    ?? throw new StorageNotFoundException("webhook", webhookId);
                if (ctx.Json)
                {
                    Output.WriteJson(new
                    {
                        w.Id, w.TenantId, w.Url, w.EventType, w.Status, w.Attempts, w.MaxAttempts, w.LastError,
                        w.LastAttemptAt, w.NextAttemptAt, w.CreatedAt, w.CompletedAt, w.LockedUntil, w.Headers, w.Payload,
                    });
                    return ExitCodes.Ok;
                }
                Output.Line($"webhook {w.Id}");
                Fields([
                    ("tenant", w.TenantId), ("status", Output.Word(w.Status)), ("attempts", $"{w.Attempts}/{w.MaxAttempts}"), ("event", w.EventType),
                    ("url", w.Url), ("last error", w.LastError), ("last attempt", Output.Instant(w.LastAttemptAt)),
                    ("next attempt", Output.Instant(w.NextAttemptAt)), ("created", Output.Instant(w.CreatedAt)),
                    ("completed", Output.Instant(w.CompletedAt)), ("locked until", Output.Instant(w.LockedUntil)), ("headers", Meta(w.Headers)),
                    ("payload", w.Payload),
                ]);
                return ExitCodes.Ok;
            }
        });
        return show;
    }

    private static void Fields(IEnumerable<(string Key, string? Value)> fields)
    {
        foreach (var (key, value) in fields)
            if (!string.IsNullOrEmpty(value)) Output.Line($"    {key}: {value}");
    }
}
