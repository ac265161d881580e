using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cedros.Pay.Sample;
using Cedros.Storage.Webhooks;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace Cedros.Storage.AspNetCore.Tests.Sample;

/// <summary>
/// Issue 17: the sample run WITH its webhook dispatcher (<c>pay:deliverWebhooks = true</c>), delivering to a real
/// receiver on loopback that verifies every Standard Webhooks signature and counts deliveries. Real flows go through
/// the sample's HTTP API (crypto payments, Stripe completions, fulfillments and shipping, refunds, in several tenants
/// at once); then every webhook the server enqueued must have been delivered exactly once, signed, with its payload.
/// </summary>
public abstract class PaySampleDeliveryTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : class, IDeliveringSampleFixture
{
    private const int Tenants = 3;
    private const int OrdersPerTenant = 6;

    private SampleFactory App => fixture.Factory;

    [Fact]
    public async Task Every_webhook_the_flows_enqueue_is_delivered_exactly_once_with_a_valid_signature()
    {
        var started = DateTime.UtcNow;
        var tenants = await Task.WhenAll(Enumerable.Range(0, Tenants).Select(_ => RunFlowsAsync()));

        // What the server enqueued, read back from storage: order.paid per order, order.shipped per shipped one,
        // refund.processed per refunded one.
        var enqueued = new Dictionary<string, PendingWebhook>(StringComparer.Ordinal);
        await Eventually(async () =>
        {
            enqueued.Clear();
            foreach (var tenant in tenants)
                foreach (var w in await App.Storage.ForTenant(tenant).ListWebhooksAsync(null, 1000))
                    enqueued[w.Id] = w;
            return enqueued.Values.All(w => w.Status == WebhookStatus.Success);
        }, () => $"{enqueued.Values.Count(w => w.Status == WebhookStatus.Success)} of {enqueued.Count} delivered; "
                 + string.Join(", ", enqueued.Values.Where(w => w.Status != WebhookStatus.Success).Select(w => $"{w.Id}: {w.Status} {w.LastError}")));
        var elapsed = DateTime.UtcNow - started;

        var perTenant = OrdersPerTenant /* crypto */ + 1 /* stripe */ + 2 /* shipped */ + 2 /* refunded */;
        Assert.Equal(Tenants * perTenant, enqueued.Count);
        var received = fixture.Receiver.Received.Where(r => r.Id is not null && enqueued.ContainsKey(r.Id)).ToList();
        var counts = received.GroupBy(r => r.Id!).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{fixture.Backend}: {enqueued.Count} webhooks enqueued by the flows, {received.Count} deliveries, "
            + $"{enqueued.Keys.Count(id => !counts.ContainsKey(id))} lost, {counts.Values.Sum(c => c - 1)} duplicates, in {elapsed.TotalSeconds:0.0} s");
        Assert.All(enqueued.Keys, id => Assert.True(counts.TryGetValue(id, out var n) && n == 1,
            $"{id} ({enqueued[id].EventType}) delivered {counts.GetValueOrDefault(id)} times"));   // 0 lost, 0 duplicates
        Assert.All(received, r =>
        {
            Assert.True(r.SignatureValid, $"signature of {r.Id}");
            Assert.Equal("/hooks", r.Path);
            Assert.Equal(enqueued[r.Id!].Payload, r.Body);
            var payload = JsonDocument.Parse(r.Body).RootElement;
            Assert.Equal(r.Id, payload.GetProperty("id").GetString());
            Assert.Equal(enqueued[r.Id!].EventType, payload.GetProperty("type").GetString());
            Assert.Equal(1, enqueued[r.Id!].Attempts);
        });
        Assert.Equal(Tenants * OrdersPerTenant + Tenants, enqueued.Values.Count(w => w.EventType == "order.paid"));
        Assert.Equal(Tenants * 2, enqueued.Values.Count(w => w.EventType == "order.shipped"));
        Assert.Equal(Tenants * 2, enqueued.Values.Count(w => w.EventType == "refund.processed"));
    }

    /// <summary>One tenant's flows, concurrently: crypto payments (one retried with its key, one replayed), a Stripe
    /// completion delivered three times, two orders shipped, two refunded. Returns the tenant.</summary>
    private async Task<string> RunFlowsAsync()
    {
        var tenant = $"{fixture.Backend}-dl-{Guid.NewGuid():N}";
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        await PutProductAsync(client, "pro-plan");

        var signatures = Enumerable.Range(0, OrdersPerTenant).Select(_ => NewSignature()).ToList();
        var orders = await Task.WhenAll(signatures.Select(async signature =>
        {
            var cartId = await QuoteAsync(client);
            var key = "k-" + Guid.NewGuid();
            var paid = await PayAsync(client, cartId, signature, key);
            Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await PayAsync(client, cartId, signature, key)).StatusCode);       // replayed answer
            Assert.Equal(HttpStatusCode.Conflict, (await PayAsync(client, await QuoteAsync(client), signature, "x-" + key)).StatusCode); // replay
            return (await paid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }));

        var sessionId = await StripeCheckoutAsync(client);
        var body = JsonSerializer.Serialize(new { type = "checkout.session.completed", data = new { @object = new { id = sessionId } } });
        var stripe = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StripeAsync(client, body)));
        Assert.All(stripe, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await Task.WhenAll(orders.Take(2).Select(orderId => ShipAsync(client, orderId)));
        await Task.WhenAll(orders.Skip(2).Take(2).Select(orderId => RefundAsync(client, orderId)));
        return tenant;
    }

    private static async Task ShipAsync(HttpClient client, string orderId)
    {
        var fulfillment = await AdminPostAsync(client, $"/admin/orders/{orderId}/fulfillments", NoncePurposes.FulfillmentsCreate, new { carrier = "UPS" });
        Assert.Equal(HttpStatusCode.Created, fulfillment.StatusCode);
        var fulfillmentId = (await fulfillment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var ship = await AdminPostAsync(client, $"/admin/fulfillments/{fulfillmentId}/ship", NoncePurposes.FulfillmentsShip,
            new { carrier = "UPS", trackingNumber = "1Z" + orderId });
        Assert.Equal(HttpStatusCode.OK, ship.StatusCode);
    }

    private static async Task RefundAsync(HttpClient client, string orderId)
    {
        var request = await client.PostAsJsonAsync("/refunds", new { orderId, reason = "test" });
        Assert.Equal(HttpStatusCode.Created, request.StatusCode);
        var refundId = (await request.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var payouts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            AdminPostAsync(client, $"/admin/refunds/{refundId}/payout", NoncePurposes.RefundsPayout, new { })));
        Assert.Single(payouts, r => r.StatusCode == HttpStatusCode.OK);
    }

    private static async Task Eventually(Func<Task<bool>> condition, Func<string> state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("not every webhook was delivered in 90 s: " + state());
            await Task.Delay(100);
        }
    }

    private static string NewSignature() => "sig" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    private static async Task<string> NonceAsync(HttpClient client, string purpose)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/nonces") { Content = JsonContent.Create(new { purpose }) };
        request.Headers.Add("X-Admin-Key", SampleFactory.AdminKey);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nonce").GetString()!;
    }

    private static async Task<HttpResponseMessage> AdminPostAsync(HttpClient client, string path, string purpose, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(PayEndpoints.NonceHeader, await NonceAsync(client, purpose));
        return await client.SendAsync(request);
    }

    private static async Task PutProductAsync(HttpClient client, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/admin/products/{id}")
        {
            Content = JsonContent.Create(new { description = id, cryptoAmount = 1_000_000L, cryptoToken = "USDC", fiatAmount = 1_900L, fiatCurrency = "usd" }),
        };
        request.Headers.Add(PayEndpoints.NonceHeader, await NonceAsync(client, NoncePurposes.ProductsWrite));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    private static async Task<string> QuoteAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/cart/quote", new { items = new[] { new { resourceId = "pro-plan", quantity = 1 } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<HttpResponseMessage> PayAsync(HttpClient client, string cartId, string signature, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/payments/crypto")
        {
            Content = JsonContent.Create(new { cartId, signature, wallet = "wallet-1" }),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    private static async Task<string> StripeCheckoutAsync(HttpClient client)
    {
        var checkout = await client.PostAsJsonAsync("/checkout/stripe", new { resourceId = "pro-plan", customerEmail = "a@example.com" });
        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        return (await checkout.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
    }

    private static async Task<HttpResponseMessage> StripeAsync(HttpClient client, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", StripeSignature.Sign(SampleFactory.StripeSecret, body, DateTimeOffset.UtcNow));
        return await client.SendAsync(request);
    }
}

public sealed class SqlitePaySampleDeliveryTests(DeliveringSqliteSampleFixture fixture, ITestOutputHelper output)
    : PaySampleDeliveryTests<DeliveringSqliteSampleFixture>(fixture, output);

public sealed class PostgresPaySampleDeliveryTests(DeliveringPostgresSampleFixture fixture, ITestOutputHelper output)
    : PaySampleDeliveryTests<DeliveringPostgresSampleFixture>(fixture, output);
