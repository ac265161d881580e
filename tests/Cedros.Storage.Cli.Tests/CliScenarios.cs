using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Cli.Tests;

/// <summary>
/// The tool's commands against a real database, written once; each backend subclass supplies a fresh database per
/// test (xunit makes a new instance per test), the tool's backend arguments, and a library handle to seed it.
/// </summary>
public abstract class CliScenarios : IAsyncLifetime
{
    /// <summary>A scratch folder; the tool runs there.</summary>
    protected string WorkDir { get; } = Directory.CreateTempSubdirectory("cedros-cli-").FullName;

    /// <summary>Arguments that point the tool at this test's database.</summary>
    protected abstract IReadOnlyList<string> BackendArgs { get; }

    /// <summary>Opens this test's database through the library, on <paramref name="time"/>.</summary>
    protected abstract Task<ICedrosStorage> OpenLibraryAsync(TimeProvider time);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        try { Directory.Delete(WorkDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    protected Task<CliResult> Cli(params string[] args) => CliProcess.RunAsync(WorkDir, [.. args, .. BackendArgs]);

    /// <summary>Runs the tool with extra environment variables.</summary>
    protected Task<CliResult> CliWith(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        CliProcess.RunAsync(WorkDir, [.. args, .. BackendArgs], environment);

    /// <summary>Makes this test's database exist but hold no tables (SQLite: an empty file; PostgreSQL: already so).</summary>
    protected abstract Task CreateEmptyDatabaseAsync();

    /// <summary>How many tables this test's database holds.</summary>
    protected abstract Task<int> CountTablesAsync();

    /// <summary>Seeds through the library on a clock set to <paramref name="at"/> (default: real now).</summary>
    protected async Task SeedAsync(Func<ICedrosStorage, FakeTimeProvider, Task> seed, DateTimeOffset? at = null)
    {
        var time = new FakeTimeProvider(at ?? DateTimeOffset.UtcNow);
        await using var storage = await OpenLibraryAsync(time);
        await seed(storage, time);
    }

    protected static PendingWebhook Webhook(string id, int maxAttempts = 5) => new()
    {
        Id = id,
        Url = "https://example.com/hook",
        Payload = """{"event":"payment.succeeded"}""",
        EventType = "payment.succeeded",
        MaxAttempts = maxAttempts,
    };

    protected static PaymentTransaction Payment(string signature, DateTimeOffset createdAt) => new()
    {
        Signature = signature,
        ResourceId = "pro-plan",
        Wallet = "WalletPayer111",
        Amount = 1_000_000,
        AmountAsset = "USDC",
        CreatedAt = createdAt,
    };

    private static void Ok(CliResult r) => Assert.True(r.ExitCode == 0, r.ToString());

    [Fact]
    public async Task Migrate_applies_the_migrations_and_a_second_run_is_a_no_op()
    {
        var first = await Cli("migrate", "--json");
        Ok(first);
        var json = first.Json();
        Assert.False(json.GetProperty("no_op").GetBoolean(), first.ToString());
        Assert.NotEmpty(json.GetProperty("applied").EnumerateArray());

        var second = await Cli("migrate", "--json");
        Ok(second);
        Assert.True(second.Json().GetProperty("no_op").GetBoolean(), second.ToString());
        Assert.Empty(second.Json().GetProperty("applied").EnumerateArray());

        var text = await Cli("migrate");
        Ok(text);
        Assert.Contains("No-op", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_only_commands_on_an_unmigrated_database_fail_and_create_nothing()
    {
        await CreateEmptyDatabaseAsync();
        string[][] commands = [["status"], ["payments", "check", "sig-x"], ["webhooks", "list"], ["status", "--json"]];
        foreach (var command in commands)
        {
            var r = await Cli(command);
            Assert.True(r.ExitCode == 1, $"{string.Join(' ', command)}: {r}");
            Assert.Contains("behind this library's version", r.Stderr, StringComparison.Ordinal);
            Assert.Contains("cedros-storage migrate", r.Stderr, StringComparison.Ordinal);
        }
        Assert.Equal(0, await CountTablesAsync());
    }

    [Fact]
    public async Task Migrate_dry_run_and_script_show_what_would_run_and_change_nothing()
    {
        await CreateEmptyDatabaseAsync();
        var dry = await Cli("migrate", "--dry-run", "--json");
        Ok(dry);
        var pending = dry.Json().GetProperty("pending").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.NotEmpty(pending);
        Assert.StartsWith("0001_", pending[0], StringComparison.Ordinal);
        var text = await Cli("migrate", "--dry-run");
        Ok(text);
        Assert.Contains($"Would apply {pending.Count} migration(s)", text.Stdout, StringComparison.Ordinal);

        var script = await CliWith(new Dictionary<string, string> { ["storage__schema_mapping__payments__table_name"] = "pay_tx" },
            "migrate", "--script");
        Ok(script);
        Assert.Contains("-- 0001_", script.Stdout, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE", script.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"pay_tx\"", script.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[[", script.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await CountTablesAsync());

        Ok(await Cli("migrate"));
        var after = await Cli("migrate", "--dry-run", "--json");
        Ok(after);
        Assert.Empty(after.Json().GetProperty("pending").EnumerateArray());
        Assert.Contains("0 pending", (await Cli("migrate", "--script")).Stdout, StringComparison.Ordinal);
        Ok(await Cli("status"));
    }

    [Theory]
    [InlineData(RunningCli.SIGINT)]
    [InlineData(RunningCli.SIGTERM)]
    public async Task Worker_runs_the_maintenance_passes_until_a_signal_then_prints_cancelled_and_exits_130(int signal)
    {
        await SeedAsync((s, time) => s.Default.CreateNonceAsync(new AdminNonce
        {
            Id = "nonce-expired", Purpose = "refund", CreatedAt = time.GetUtcNow().AddHours(-2), ExpiresAt = time.GetUtcNow().AddHours(-1),
        }));
        using var worker = CliProcess.Start(WorkDir, ["worker", .. BackendArgs]);
        await worker.WaitForStdoutAsync("worker started");
        await worker.WaitForStdoutAsync("Cleanup removed 1 expired nonces");
        worker.Signal(signal);
        var r = await worker.WaitAsync();
        Assert.True(r.ExitCode == 130, r.ToString());
        Assert.Equal("cancelled.", r.Stderr.Trim());
    }

    [Fact]
    public async Task SIGTERM_during_an_archive_prints_cancelled_exits_130_and_leaves_every_batch_whole()
    {
        const int Rows = 50_000;
        var old = DateTimeOffset.UtcNow.AddDays(-100);
        var signatures = Enumerable.Range(0, Rows).Select(i => $"sig-term-{i:D6}").ToArray();
        await SeedAsync(async (s, _) =>
        {
            foreach (var chunk in signatures.Chunk(1000))
                await s.Default.RecordPaymentsAsync([.. chunk.Select(sig => Payment(sig, old))]);
        });
        // Small batches (one transaction each) so the archive is still running when the signal comes. 16 rows: SQLite
        // paces archive batches by time, never above the configured size nor below 16 rows (SqliteBatchPace.MinRows), so
        // at 16 every batch on every backend has exactly 16 rows (at 25 a slow batch made the next ones 21: seen in CI).
        const int Batch = 16;
        var batches = new Dictionary<string, string> { ["storage__housekeeping_batch_size"] = Batch.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        using var archive = CliProcess.Start(WorkDir, ["archive", "--older-than", "90d", .. BackendArgs], batches);
        await archive.WaitForStderrAsync("archiving payments: ");   // the first progress line: ≥ 1 s of committed batches
        archive.Signal(RunningCli.SIGTERM);
        var r = await archive.WaitAsync();

        Assert.True(r.ExitCode == 130, r.ToString());
        Assert.Equal("cancelled.", r.Stderr.TrimEnd().Split('\n')[^1].Trim());
        Assert.Equal("", r.Stdout.Trim());
        var reported = System.Text.RegularExpressions.Regex.Matches(r.Stderr, @"archiving payments: ([\d,]+) rows")
            .Select(m => long.Parse(m.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture)).Max();

        // What the cancelled run committed stays committed; the rest is still in the ledger: a second run archives
        // exactly the remainder, and a third finds nothing.
        var rest = await Cli("archive", "--older-than", "90d", "--json");   // default batches: the remainder in a few
        Ok(rest);
        var remainder = rest.Json().GetProperty("count").GetInt64();
        var archivedByFirst = Rows - remainder;
        Assert.InRange(archivedByFirst, Math.Max(1, reported), Rows - 1);             // stopped mid-work, after what it reported
        Assert.Equal(0, archivedByFirst % Batch);                                       // whole batches only
        Assert.Equal(0, (await Cli("archive", "--older-than", "90d", "--json")).Json().GetProperty("count").GetInt64());

        // Every signature is in the archive exactly once and still refused as a replay.
        await SeedAsync(async (s, _) =>
        {
            foreach (var chunk in signatures.Chunk(10_000))
            {
                var replay = await Assert.ThrowsAsync<PaymentReplayException>(() => s.Default.RecordPaymentsAsync([.. chunk.Select(sig => Payment(sig, old))]));
                Assert.Equal(chunk.Length, replay.Signatures.Count);
            }
        });
    }

    [Fact]
    public async Task Archive_shows_the_count_and_rate_and_a_json_error_goes_to_stderr()
    {
        var now = DateTimeOffset.UtcNow;
        await SeedAsync(async (s, _) =>
        {
            for (var i = 0; i < 12; i++) await s.Default.RecordPaymentAsync(Payment($"sig-rate-{i}", now.AddDays(-100)));
        });
        var r = await CliWith(new Dictionary<string, string> { ["storage__housekeeping_batch_size"] = "5" }, "archive", "--older-than", "90d");
        Ok(r);
        Assert.Matches(@"Archived into .*: 12 payment\(s\) created before .* in \d+\.\d s \([\d,]+ rows/s\)\.", r.Stdout);

        var missing = await Cli("webhooks", "delete", "wh-missing", "--json");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("", missing.Stdout);
        using var error = JsonDocument.Parse(missing.Stderr);
        Assert.Equal("not_found", error.RootElement.GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal(1, error.RootElement.GetProperty("error").GetProperty("exit_code").GetInt32());
        Assert.Contains("wh-missing", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ids_are_never_wrapped_statuses_are_contract_words_and_json_payloads_are_not_escaped()
    {
        var id = Guid.NewGuid().ToString();
        await SeedAsync(async (s, _) => await s.Default.EnqueueWebhookAsync(Webhook(id) with
        {
            Url = "https://hooks.example.com/a/very/long/path/that/takes/up/most/of/an/eighty/column/terminal/by/itself",
        }));
        var narrow = await CliWith(new Dictionary<string, string> { ["COLUMNS"] = "80" }, "webhooks", "list");
        Ok(narrow);
        Assert.Contains($"{id}  pending  0/5  payment.succeeded", narrow.Stdout, StringComparison.Ordinal);
        Assert.Contains("url: https://hooks.example.com/a/very/long/path/that/takes/up/most/of/an/eighty/column/terminal/by/itself",
            narrow.Stdout, StringComparison.Ordinal);
        var wide = await Cli("webhooks", "list");
        Ok(wide);
        Assert.Contains(id, wide.Stdout, StringComparison.Ordinal);

        var json = await Cli("webhooks", "list", "--json");
        Ok(json);
        Assert.Contains("""
            "payload": "{\"event\":\"payment.succeeded\"}"
            """.Trim(), json.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0022", json.Stdout, StringComparison.Ordinal);

        var bad = await Cli("webhooks", "list", "--status", "dead");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--status 'dead' is not a webhook status; use one of: pending, processing, success, failed.", bad.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Cedros.Storage", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspection_commands_show_tenants_orders_refunds_payments_and_webhooks()
    {
        var whId = Guid.NewGuid().ToString();
        await SeedAsync(async (s, time) =>
        {
            var now = time.GetUtcNow();
            var acme = s.ForTenant("acme");
            Assert.True(await acme.TryStoreOrderAsync(new Order
            {
                Id = "order-1", Source = "x402", PurchaseId = "sig-order-1", ResourceId = "shirt", AmountAsset = "USDC", Amount = 2_000_000,
                CustomerEmail = "buyer@example.com", CreatedAt = now,
                Items = [new OrderItem { ProductId = "shirt", Quantity = 2, Name = "Shirt", UnitPrice = 1_000_000, Asset = "USDC" }],
            }));
            await acme.UpdateOrderStatusWithHistoryAsync("order-1", OrderStatus.Paid, now, note: "paid on chain", actor: "server");
            await acme.CreateFulfillmentAsync(new Fulfillment
            {
                Id = "ful-1", OrderId = "order-1", Carrier = "DHL", TrackingNumber = "TRACK123", CreatedAt = now,
                Items = [new FulfillmentItem { ProductId = "shirt", Quantity = 2 }],
            });
            await acme.RecordPaymentAsync(Payment("sig-acme-show", now));
            await acme.EnqueueWebhookAsync(Webhook(whId));
            await s.Default.SaveRefundQuoteAsync(new RefundQuote
            {
                Id = "refund-9", OriginalPurchaseId = "purchase-9", RecipientWallet = "WalletR", Amount = 5, AmountAsset = "USDC",
                CreatedAt = now, ExpiresAt = now.AddHours(1),
            });
        });

        var tenants = await Cli("tenants", "list", "--json");
        Ok(tenants);
        Assert.Equal(["acme", "default"], tenants.Json().EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal("acme\ndefault", (await Cli("tenants", "list")).Stdout.Trim().ReplaceLineEndings("\n"));

        var all = await Cli("status", "--all-tenants", "--json");
        Ok(all);
        var rows = all.Json().GetProperty("tenants").EnumerateArray().ToList();
        Assert.Equal(["acme", "default"], rows.Select(r => r.GetProperty("tenant").GetString()!));
        Assert.Equal(1, rows[0].GetProperty("webhooks").GetProperty("pending").GetInt64());
        Assert.Equal(1, rows[1].GetProperty("pending_refunds").GetInt32());
        var allText = await Cli("status", "--all-tenants");
        Ok(allText);
        Assert.Contains("acme", allText.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await Cli("status", "--all-tenants", "--tenant", "acme")).ExitCode);

        var orders = await Cli("orders", "list", "--tenant", "acme", "--json");
        Ok(orders);
        Assert.Equal(1, orders.Json().GetProperty("total").GetInt64());
        Assert.Equal("paid", orders.Json().GetProperty("orders")[0].GetProperty("status").GetString());
        Assert.Equal(0, (await Cli("orders", "list", "--tenant", "acme", "--status", "shipped", "--json")).Json().GetProperty("total").GetInt64());
        Assert.Contains("order-1", (await Cli("orders", "list", "--tenant", "acme")).Stdout, StringComparison.Ordinal);

        var show = await Cli("orders", "show", "order-1", "--tenant", "acme");
        Ok(show);
        Assert.Contains("created -> paid  server  paid on chain", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("ful-1  pending  DHL TRACK123", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 x shirt", show.Stdout, StringComparison.Ordinal);
        var showJson = await Cli("orders", "show", "order-1", "--tenant", "acme", "--json");
        Ok(showJson);
        Assert.Equal("ful-1", showJson.Json().GetProperty("fulfillments")[0].GetProperty("id").GetString());
        Assert.Equal("paid", showJson.Json().GetProperty("history")[0].GetProperty("to_status").GetString());
        var missingOrder = await Cli("orders", "show", "order-1");
        Assert.Equal(1, missingOrder.ExitCode);
        Assert.Contains("order 'order-1' was not found", missingOrder.Stderr, StringComparison.Ordinal);

        var refunds = await Cli("refunds", "pending", "--json");
        Ok(refunds);
        Assert.Equal("refund-9", Assert.Single(refunds.Json().EnumerateArray()).GetProperty("id").GetString());
        Assert.Contains("refund-9  pending  5 USDC", (await Cli("refunds", "pending")).Stdout, StringComparison.Ordinal);

        var payment = await Cli("payments", "show", "sig-acme-show", "--json");
        Ok(payment);
        Assert.Equal("acme", payment.Json().GetProperty("tenant_id").GetString());
        Assert.Equal(1, (await Cli("payments", "show", "sig-acme-show", "--tenant", "default")).ExitCode);
        Assert.Equal(1, (await Cli("payments", "show", "sig-nope")).ExitCode);

        var webhook = await Cli("webhooks", "show", whId, "--tenant", "acme");
        Ok(webhook);
        Assert.Contains($"webhook {whId}", webhook.Stdout, StringComparison.Ordinal);
        Assert.Contains("payload: {\"event\":\"payment.succeeded\"}", webhook.Stdout, StringComparison.Ordinal);
        var webhookJson = await Cli("webhooks", "show", whId, "--tenant", "acme", "--json");
        Ok(webhookJson);
        Assert.Equal("pending", webhookJson.Json().GetProperty("status").GetString());
        Assert.Equal(1, (await Cli("webhooks", "show", whId)).ExitCode);
    }

    [Fact]
    public async Task Status_reports_webhook_counts_and_pending_refunds_of_a_tenant_as_json()
    {
        await SeedAsync(async (s, time) =>
        {
            await s.Default.EnqueueWebhookAsync(Webhook("wh-status-1"));
            await s.Default.EnqueueWebhookAsync(Webhook("wh-status-2"));
            await s.ForTenant("acme").EnqueueWebhookAsync(Webhook("wh-status-3"));
            await s.Default.SaveRefundQuoteAsync(new RefundQuote
            {
                Id = "refund-1", OriginalPurchaseId = "purchase-1", RecipientWallet = "WalletR", Amount = 5, AmountAsset = "USDC",
                CreatedAt = time.GetUtcNow(), ExpiresAt = time.GetUtcNow().AddHours(1),
            });
        });

        var r = await Cli("status", "--json");
        Ok(r);
        var json = r.Json();
        Assert.Equal("default", json.GetProperty("tenant").GetString());
        Assert.Equal(2, json.GetProperty("webhooks").GetProperty("pending").GetInt64());
        Assert.Equal(0, json.GetProperty("webhooks").GetProperty("failed").GetInt64());
        Assert.Equal(1, json.GetProperty("pending_refunds").GetInt32());

        var acme = await Cli("status", "--json", "--tenant", "acme");
        Ok(acme);
        Assert.Equal(1, acme.Json().GetProperty("webhooks").GetProperty("pending").GetInt64());
        Assert.Equal(0, acme.Json().GetProperty("pending_refunds").GetInt32());

        var table = await Cli("status");
        Ok(table);
        Assert.Contains("pending refunds", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhooks_list_retry_and_delete_act_on_the_queue()
    {
        await SeedAsync(async (s, time) =>
        {
            await s.Default.EnqueueWebhookAsync(Webhook("wh-dead", maxAttempts: 1));
            await s.Default.EnqueueWebhookAsync(Webhook("wh-live"));
            await s.ForTenant("acme").EnqueueWebhookAsync(Webhook("wh-acme"));
            await s.Default.MarkWebhookProcessingAsync("wh-dead");
            await s.Default.MarkWebhookFailedAsync("wh-dead", "HTTP 500", time.GetUtcNow().AddMinutes(1));
        });

        var failed = await Cli("webhooks", "list", "--status", "failed", "--json");
        Ok(failed);
        var dead = Assert.Single(failed.Json().EnumerateArray());
        Assert.Equal("wh-dead", dead.GetProperty("id").GetString());
        Assert.Equal("failed", dead.GetProperty("status").GetString());
        Assert.Equal("HTTP 500", dead.GetProperty("last_error").GetString());

        var all = await Cli("webhooks", "list", "--json", "--limit", "10");
        Ok(all);
        Assert.Equal(["wh-dead", "wh-live"], all.Json().EnumerateArray().Select(w => w.GetProperty("id").GetString()!).Order());
        var acme = await Cli("webhooks", "list", "--json", "--tenant", "acme");
        Assert.Equal("wh-acme", Assert.Single(acme.Json().EnumerateArray()).GetProperty("id").GetString());
        var table = await Cli("webhooks", "list");
        Ok(table);
        Assert.Contains("wh-dead", table.Stdout, StringComparison.Ordinal);

        Ok(await Cli("webhooks", "retry", "wh-dead"));
        await SeedAsync(async (s, _) =>
        {
            var w = await s.Default.GetWebhookAsync("wh-dead");
            Assert.NotNull(w);
            Assert.Equal(WebhookStatus.Pending, w.Status);
            Assert.Equal(0, w.Attempts);
        });

        Ok(await Cli("webhooks", "delete", "wh-dead"));
        var again = await Cli("webhooks", "delete", "wh-dead");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("wh-dead", again.Stderr, StringComparison.Ordinal);
        Assert.Single(again.Stderr.Trim().Split('\n'));

        var otherTenant = await Cli("webhooks", "retry", "wh-acme");
        Assert.Equal(1, otherTenant.ExitCode);
        Ok(await Cli("webhooks", "retry", "wh-acme", "--tenant", "acme"));
    }

    [Fact]
    public async Task Payments_check_answers_for_every_tenant()
    {
        await SeedAsync((s, time) => s.ForTenant("acme").RecordPaymentAsync(Payment("sig-acme-1", time.GetUtcNow())));

        var known = await Cli("payments", "check", "sig-acme-1", "--json");
        Ok(known);
        Assert.True(known.Json().GetProperty("processed").GetBoolean());

        var unknown = await Cli("payments", "check", "sig-unknown", "--json");
        Ok(unknown);
        Assert.False(unknown.Json().GetProperty("processed").GetBoolean());

        var text = await Cli("payments", "check", "sig-acme-1");
        Ok(text);
        Assert.StartsWith("processed", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_moves_payments_older_than_the_cutoff_and_keeps_replay_protection()
    {
        var now = DateTimeOffset.UtcNow;
        await SeedAsync(async (s, _) =>
        {
            await s.Default.RecordPaymentAsync(Payment("sig-old", now.AddDays(-100)));
            await s.Default.RecordPaymentAsync(Payment("sig-mid", now.AddDays(-10)));
            await s.Default.RecordPaymentAsync(Payment("sig-new", now.AddMinutes(-1)));
        });

        var byAge = await Cli("archive", "--older-than", "2160h", "--json");
        Ok(byAge);
        Assert.Equal(1, byAge.Json().GetProperty("count").GetInt64());
        Assert.False(byAge.Json().GetProperty("deleted").GetBoolean());

        var byInstant = await Cli("archive", "--older-than", now.AddDays(-5).ToString("O"), "--json");
        Ok(byInstant);
        Assert.Equal(1, byInstant.Json().GetProperty("count").GetInt64());

        var byDefault = await Cli("archive");
        Ok(byDefault);
        Assert.Contains("0 payment(s)", byDefault.Stdout, StringComparison.Ordinal);

        await SeedAsync(async (s, _) => Assert.NotNull(await s.Default.GetPaymentAsync("sig-new")));
        var check = await Cli("payments", "check", "sig-old", "--json");
        Assert.True(check.Json().GetProperty("processed").GetBoolean(), check.ToString());
    }

    [Fact]
    public async Task Cleanup_runs_every_cleanup_once_and_prints_the_counts()
    {
        var longAgo = DateTimeOffset.UtcNow.AddDays(-30);
        await SeedAsync(async (s, time) =>
        {
            var now = time.GetUtcNow();
            await s.Default.CreateNonceAsync(new AdminNonce { Id = "nonce-old", Purpose = "refund", CreatedAt = now, ExpiresAt = now.AddHours(1) });
            await s.Default.SaveIdempotencyKeyAsync("idem-old", new IdempotencyResponse { StatusCode = 200, Body = "{}"u8.ToArray() }, TimeSpan.FromHours(1));
            await s.Default.ReserveInventoryAsync(new InventoryReservation { Id = "res-old", ProductId = "prod-1", CartId = "cart-1", ExpiresAt = now.AddMinutes(15) });
            await s.Default.EnqueueWebhookAsync(Webhook("wh-done"));
            await s.Default.MarkWebhookProcessingAsync("wh-done");
            await s.Default.MarkWebhookSuccessAsync("wh-done");
        }, longAgo);
        await SeedAsync(async (s, time) =>
        {
            var now = time.GetUtcNow();
            await s.Default.CreateNonceAsync(new AdminNonce { Id = "nonce-live", Purpose = "refund", CreatedAt = now, ExpiresAt = now.AddHours(1) });
            await s.Default.EnqueueWebhookAsync(Webhook("wh-recent"));
            await s.Default.MarkWebhookProcessingAsync("wh-recent");
            await s.Default.MarkWebhookSuccessAsync("wh-recent");
        });

        var r = await Cli("cleanup", "--json");
        Ok(r);
        var json = r.Json();
        Assert.Equal(1, json.GetProperty("expired_nonces").GetInt64());
        Assert.Equal(1, json.GetProperty("expired_idempotency_keys").GetInt64());
        Assert.Equal(1, json.GetProperty("expired_reservations").GetInt64());
        Assert.Equal(1, json.GetProperty("completed_webhooks").GetInt64());

        var zeroRetention = await Cli("cleanup", "--webhook-retention", "0s", "--json");
        Ok(zeroRetention);
        Assert.Equal(1, zeroRetention.Json().GetProperty("completed_webhooks").GetInt64());
        Assert.Equal(0, zeroRetention.Json().GetProperty("expired_nonces").GetInt64());

        var table = await Cli("cleanup");
        Ok(table);
        Assert.Contains("expired admin nonces deleted", table.Stdout, StringComparison.Ordinal);
    }
}
