using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cedros.Storage.Configuration;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Differential;

/// <summary>Settings of one differential run.</summary>
public sealed record DifferentialSettings
{
    public required int Seed { get; init; }
    public required int Operations { get; init; }
    /// <summary>Compare a full-state snapshot every this many operations (and at the end).</summary>
    public int SnapshotEvery { get; init; } = 250;
    /// <summary>Input families kept off while other work fixes them.</summary>
    public KnownDivergences Known { get; init; } = KnownDivergences.All;
    /// <summary>Collect error message texts too (not only type, kind and structured details); differences are reported
    /// through <see cref="MessageDifference"/>, not failed (the contract does not fix message texts).</summary>
    public bool CompareMessages { get; init; }
    /// <summary>With <see cref="CompareMessages"/>: called when only the message texts differ (the run goes on).</summary>
    public Action<string>? MessageDifference { get; init; }
    /// <summary>Called with every operation and its outcome (CEDROS_DIFF_TRACE=1).</summary>
    public Action<string>? Trace { get; init; }
}

/// <summary>What a run did.</summary>
public sealed record DifferentialReport(int Operations, int Snapshots, TimeSpan Elapsed, IReadOnlyDictionary<string, int> ErrorKinds);

/// <summary>Backends behaved differently; the message holds everything needed to replay.</summary>
public sealed class DifferentialMismatchException(string message) : Exception(message);

/// <summary>
/// Runs one seeded sequence of operations on every backend in lock step and fails at the first difference in a result,
/// an error, or the full state. All backends start at the same instant and their fake clocks move identically.
/// </summary>
public static class DifferentialRun
{
    /// <summary>The backends compared: the first is the reference the others are compared with.</summary>
    public static async Task<DifferentialReport> RunAsync(DifferentialSettings settings, IReadOnlyList<IStorageFixture> fixtures)
    {
        var lanes = new List<Lane>();
        try
        {
            foreach (var fixture in fixtures)
            {
                var time = new FakeTimeProvider(ConformanceTest<InMemoryFixture>.Start);
                var storage = await fixture.CreateStorageAsync(time, Configure);
                lanes.Add(new Lane(fixture.Name, storage, time));
            }
            return await RunLanesAsync(settings, lanes);
        }
        finally
        {
            foreach (var lane in lanes) await lane.DisposeAsync();
        }
    }

    private static void Configure(StorageOptions options)
    {
        // One caller at a time per backend: a small pool is plenty (and leaves connections for the other helpers).
        options.Postgres.MaxPoolSize = 3;
        // The run compares behaviour, not durability: skip the per-commit fsync so thousands of writes stay cheap.
        options.Sqlite.Synchronous = SqliteSynchronous.Normal;
    }

    private static async Task<DifferentialReport> RunLanesAsync(DifferentialSettings settings, List<Lane> lanes)
    {
        var clock = Stopwatch.StartNew();
        var generator = new Generator(settings.Seed, settings.Known) { Now = lanes[0].Time.GetUtcNow() };
        var recent = new Queue<string>();
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var handles = lanes.Select(_ => new Dictionary<string, ITenantStorage>(StringComparer.Ordinal)).ToArray();
        var snapshots = 0;

        for (var index = 0; index < settings.Operations; index++)
        {
            var step = generator.Next();
            var outcomes = await Task.WhenAll(lanes.Select((lane, i) => ExecuteAsync(step, lane, handles[i], settings.CompareMessages)));
            settings.Trace?.Invoke($"#{index} {step.Text}\n    => {outcomes[0]}");

            if (outcomes.Any(o => Outcome.WithoutMessages(o) != Outcome.WithoutMessages(outcomes[0])))
                throw Mismatch(settings, index, step.Text, lanes, outcomes, recent);
            if (outcomes.Any(o => o != outcomes[0]))
                settings.MessageDifference?.Invoke($"#{index} {Shorten(step.Text)}\n" + string.Join("\n", lanes.Select((l, i) => $"    {l.Name,-8}: {outcomes[i]}")));

            var plain = Outcome.WithoutMessages(outcomes[0]);
            var kind = plain.StartsWith("ERR ", StringComparison.Ordinal) ? plain.Split(' ')[1] : "ok";
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            recent.Enqueue($"#{index} {Shorten(step.Text)} => {Shorten(outcomes[0])}");
            if (recent.Count > 12) recent.Dequeue();

            var advance = generator.NextAdvance();
            foreach (var lane in lanes) lane.Time.Advance(advance);
            generator.Now = lanes[0].Time.GetUtcNow();

            var periodic = (index + 1) % settings.SnapshotEvery == 0 || index == settings.Operations - 1;
            if (periodic || generator.Landed)
            {
                snapshots++;
                var states = await Task.WhenAll(lanes.Select((lane, i) => SnapshotAsync(lane, handles[i], generator, full: periodic, settings.CompareMessages)));
                var diff = FirstDifference(lanes, states);
                if (diff is not null)
                    throw Mismatch(settings, index, $"full-state snapshot after operation #{index}{(generator.Landed ? " (clock exactly on an earlier instant)" : "")}", lanes, diff, recent);
            }
        }
        return new DifferentialReport(settings.Operations, snapshots, clock.Elapsed, kinds);
    }

    private static ITenantStorage Handle(Lane lane, Dictionary<string, ITenantStorage> handles, string tenant)
    {
        if (!handles.TryGetValue(tenant, out var handle)) handles[tenant] = handle = lane.Storage.ForTenant(tenant);
        return handle;
    }

    private static async Task<string> ExecuteAsync(Step step, Lane lane, Dictionary<string, ITenantStorage> handles, bool messages)
    {
        var call = RunAsync(step, lane, Handle(lane, handles, step.Tenant), messages);
        // A backend that hangs (a lock never released) is a finding too, not a stuck test run.
        var done = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30)));
        return done == call ? await call : "TIMEOUT after 30 s";
    }

    private static async Task<string> RunAsync(Step step, Lane lane, ITenantStorage handle, bool messages)
    {
        try
        {
            return "OK " + lane.Outcome.Render(await step.Run(handle, lane));
        }
        catch (Exception ex)
        {
            return lane.Outcome.Error(ex, messages);
        }
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private static DifferentialMismatchException Mismatch(DifferentialSettings settings, int index, string what, List<Lane> lanes,
        IReadOnlyList<string> outcomes, IEnumerable<string> recent)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Backends diverged: seed {settings.Seed}, operation #{index} of {settings.Operations}.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Replay: CEDROS_DIFF_SEED={settings.Seed} CEDROS_DIFF_OPS={index + 1} dotnet test tests/Cedros.Storage.Tests -c Release --filter \"FullyQualifiedName~Differential.DifferentialTests.Random_seed_or_replay\" (add CEDROS_DIFF_TRACE=1 to print every operation)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Operation: {what}");
        for (var i = 0; i < lanes.Count; i++) sb.AppendLine(CultureInfo.InvariantCulture, $"  {lanes[i].Name,-8}: {outcomes[i]}");
        sb.AppendLine("Previous operations (outcome as on every backend):");
        foreach (var line in recent) sb.AppendLine("  " + line);
        return new DifferentialMismatchException(sb.ToString());
    }

    private static string[]? FirstDifference(List<Lane> lanes, string[][] states)
    {
        for (var line = 0; line < states.Max(s => s.Length); line++)
        {
            var values = states.Select(s => line < s.Length ? s[line] : "<missing>").ToArray();
            if (values.Any(v => v != values[0])) return values;
        }
        return null;
    }

    /// <summary>Everything the public API lets one read, for every tenant, over the id pools.</summary>
    /// <remarks>Not <paramref name="full"/>: only the reads whose answer depends on now (expiry edges).</remarks>
    private static async Task<string[]> SnapshotAsync(Lane lane, Dictionary<string, ITenantStorage> handles, Generator generator, bool full, bool messages)
    {
        var lines = new List<string>();
        async Task Add(string label, Func<Task<object?>> read)
        {
            string value;
            try
            {
                value = lane.Outcome.Render(await read());
            }
            catch (Exception ex)
            {
                value = lane.Outcome.Error(ex, messages);
            }
            lines.Add(label + ": " + value);
        }

        IEnumerable<string> Pool(string prefix, int count) => generator.Window(prefix, count);

        foreach (var tenant in Generator.Tenants)
        {
            var s = Handle(lane, handles, tenant);
            var t = tenant + " ";
            foreach (var id in Pool("rc", Generator.ResCarts)) await Add(t + "active " + id, async () => await s.ListActiveReservationsForCartAsync(id));
            foreach (var p in Pool("p", 3))
                foreach (var v in Generator.Variants)
                    await Add($"{t}reserved {p}/{v ?? "-"}", async () => await s.GetReservedQuantityAsync(p, v));
            foreach (var id in Pool("k", Generator.Keys)) await Add(t + "key " + id, async () => await s.GetIdempotencyKeyAsync(id));
            foreach (var w in Generator.Wallets)
                foreach (var p in Pool("p", Generator.Products))
                    await Add($"{t}wallet {w}/{p}", async () => await s.Subscriptions.GetByWalletAsync(w, p));
            await Add(t + "auto-apply", async () => await s.Coupons.GetAllAutoApplyCouponsForPaymentAsync(""));
        }
        if (!full) return lines.ToArray();

        foreach (var sig in Pool("sig", Generator.Signatures))
            await Add($"processed {sig}", async () => await Handle(lane, handles, Generator.Tenants[0]).HasPaymentBeenProcessedAsync(sig));

        foreach (var tenant in Generator.Tenants)
        {
            var s = Handle(lane, handles, tenant);
            var t = tenant + " ";
            await Add(t + "carts", async () => await s.GetCartQuotesAsync(Pool("cart", Generator.Carts).ToArray()));
            foreach (var id in Pool("rf", Generator.Refunds)) await Add(t + id, async () => await s.GetRefundQuoteAsync(id));
            await Add(t + "pending refunds", async () => await s.ListPendingRefundsAsync());
            foreach (var id in Pool("pu", Generator.Purchases))
            {
                await Add(t + "refunds for " + id, async () => await s.ListRefundsForPurchaseAsync(id));
                await Add(t + "latest refund for " + id, async () => await s.GetRefundQuoteByOriginalPurchaseIdAsync(id));
                foreach (var source in new[] { "x402", "stripe" })
                    await Add($"{t}order by {source}/{id}", async () => await s.GetOrderByPurchaseAsync(source, id));
            }
            await Add(t + "orders", async () => await s.ListOrdersAsync(1000, 0));
            await Add(t + "orders filtered", async () => await s.ListOrdersFilteredAsync(null, null, null, null, 1000, 0));
            foreach (var id in Pool("o", Generator.Orders))
            {
                await Add(t + "history " + id, async () => await s.ListOrderHistoryAsync(id, 1000));
                await Add(t + "fulfillments " + id, async () => await s.ListFulfillmentsAsync(id, 1000));
            }
            foreach (var id in Pool("f", Generator.Fulfillments)) await Add(t + id, async () => await s.GetFulfillmentAsync(id));
            foreach (var sig in Pool("sig", Generator.Signatures)) await Add(t + "payment " + sig, async () => await s.GetPaymentAsync(sig));
            await Add(t + "webhooks", async () => await s.ListWebhooksAsync(null, 1000));
            await Add(t + "webhook counts", async () => await s.CountWebhooksByStatusAsync());
            foreach (var id in Pool("cs", Generator.Sessions)) await Add(t + id, async () => await s.GetStripeSessionAsync(id));
            foreach (var id in Pool("r", Generator.Resources)) await Add(t + "sessions " + id, async () => await s.ListStripeSessionsByResourceAsync(id, null, 1000));
            await Add(t + "products", async () => await s.Products.ListProductsAsync());
            foreach (var id in Pool("p", Generator.Products)) await Add(t + id, async () => await s.Products.GetProductAsync(id));
            foreach (var price in Generator.PriceIds) await Add(t + price, async () => await s.Products.GetProductByStripePriceIdAsync(price));
            await Add(t + "coupons", async () => await s.Coupons.ListCouponsAsync());
            foreach (var pm in Generator.PaymentMethods) await Add($"{t}auto-apply {pm}", async () => await s.Coupons.GetAllAutoApplyCouponsForPaymentAsync(pm));
            foreach (var id in Pool("s", Generator.Subscriptions)) await Add(t + id, async () => await s.Subscriptions.GetAsync(id));
            await Add(t + "active subscriptions", async () => await s.Subscriptions.ListActiveAsync());
            await Add(t + "expiring subscriptions", async () => await s.Subscriptions.ListExpiringAsync(lane.Time.GetUtcNow().AddDays(100)));
        }
        return lines.ToArray();
    }
}
