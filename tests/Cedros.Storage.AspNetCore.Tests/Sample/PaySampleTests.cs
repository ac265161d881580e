using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cedros.Pay.Sample;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace Cedros.Storage.AspNetCore.Tests.Sample;

/// <summary>
/// Every flow of the reference payment server, end to end over HTTP, written once and run on SQLite and PostgreSQL.
/// Each test uses its own tenant, so tests sharing one server never see each other's rows.
/// </summary>
public abstract class PaySampleTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture> where TFixture : class, ISampleFixture
{
    private const string Usdc = "USDC";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private SampleFactory App => fixture.Factory;

    // ── payments ─────────────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public async Task Crypto_payment_writes_payment_order_history_and_webhook_together()
    {
        var (client, tenant) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000);
        var cart = await QuoteAsync(client, ("pro-plan", 2));
        Assert.Equal(2_000_000, cart.GetProperty("totalAmount").GetInt64());
        var signature = NewSignature();

        var response = await PayAsync(client, cart.GetProperty("id").GetString()!, signature, "key-" + Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await response.Content.ReadFromJsonAsync<JsonElement>();
        var orderId = order.GetProperty("id").GetString()!;
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        var store = App.Storage.ForTenant(tenant);
        Assert.NotNull(await store.GetPaymentAsync(signature));
        Assert.Equal("wallet-1", (await store.GetCartQuoteAsync(cart.GetProperty("id").GetString()!))!.WalletPaidBy);
        var history = await store.ListOrderHistoryAsync(orderId, 10);
        Assert.Equal((OrderStatus.Created, OrderStatus.Paid), (Assert.Single(history).FromStatus, history[0].ToStatus));
        var webhook = Assert.Single(await store.ListWebhooksAsync(null, 10));
        Assert.Equal("order.paid", webhook.EventType);
        Assert.Equal(App.WebhookUrl, webhook.Url);
        Assert.Contains(orderId, webhook.Payload, StringComparison.Ordinal);

        var view = await client.GetFromJsonAsync<JsonElement>($"/orders/{orderId}");
        Assert.Equal(orderId, view.GetProperty("order").GetProperty("id").GetString());
        Assert.Equal(1, view.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Replayed_payment_signature_is_refused_with_409_in_any_tenant()
    {
        var (client, tenant) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000);
        var signature = NewSignature();
        var first = await PayAsync(client, (await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!, signature, "k1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        // Another cart, another idempotency key: the same on-chain signature must not pay twice.
        var again = await PayAsync(client, (await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!, signature, "k2");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);

        var (other, otherTenant) = NewTenant();
        await PutProductAsync(other, "pro-plan", crypto: 1_000_000);
        var elsewhere = await PayAsync(other, (await QuoteAsync(other, ("pro-plan", 1))).GetProperty("id").GetString()!, signature, "k1");
        Assert.Equal(HttpStatusCode.Conflict, elsewhere.StatusCode);

        Assert.Equal(1, (await App.Storage.ForTenant(tenant).ListOrdersFilteredAsync(null, null, null, null, 100, 0)).Total);
        Assert.Equal(0, (await App.Storage.ForTenant(otherTenant).ListOrdersFilteredAsync(null, null, null, null, 100, 0)).Total);
    }

    [Fact]
    public async Task Concurrent_payments_of_one_signature_with_different_keys_pay_once()
    {
        // Past the pre-check: the ledger's unique signature refuses all but one (PaymentReplayException → 409 problem).
        var (client, tenant) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000);
        var carts = new List<string>();
        for (var i = 0; i < 10; i++)
            carts.Add((await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!);
        var signature = NewSignature();

        var responses = await Task.WhenAll(carts.Select((cart, i) => PayAsync(client, cart, signature, $"key-{i}")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var store = App.Storage.ForTenant(tenant);
        Assert.Equal(1, (await store.ListOrdersFilteredAsync(null, null, null, null, 100, 0)).Total);
        Assert.Single(await store.ListWebhooksAsync(null, 100));
    }

    [Fact]
    public async Task Fifty_concurrent_identical_requests_with_one_key_execute_once()
    {
        var (client, tenant) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000);
        var cartId = (await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!;
        var signature = NewSignature();
        const string key = "one-key-for-fifty";

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => PayAsync(client, cartId, signature, key)));

        Assert.Equal(1, App.Chain.CallsFor(signature));                       // the handler ran once
        var executed = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed"));
        Assert.All(responses, r => Assert.True(
            r.StatusCode == HttpStatusCode.Conflict
            || (r.StatusCode == HttpStatusCode.Created && (r == executed || r.Headers.GetValues("Idempotent-Replayed").Single() == "true")),
            $"unexpected {(int)r.StatusCode}"));
        output.WriteLine($"{fixture.Backend}: 50 concurrent requests, one key: {responses.Count(r => r.StatusCode == HttpStatusCode.Conflict)} × 409 in progress, "
            + $"{responses.Count(r => r.Headers.Contains("Idempotent-Replayed"))} × replayed 201, 1 executed");
        var store = App.Storage.ForTenant(tenant);
        Assert.Equal(1, (await store.ListOrdersFilteredAsync(null, null, null, null, 100, 0)).Total);
        Assert.Single(await store.ListWebhooksAsync(null, 100));

        // A retry after completion gets the stored response: same status, headers and body, marked replayed.
        var original = await executed.Content.ReadAsStringAsync();
        var retry = await PayAsync(client, cartId, signature, key);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(executed.Headers.Location, retry.Headers.Location);
        Assert.Equal(original, await retry.Content.ReadAsStringAsync());
        Assert.Equal(1, App.Chain.CallsFor(signature));
    }

    [Fact]
    public async Task Same_key_with_a_different_payload_is_422_and_not_executed()
    {
        var (client, _) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000);
        var cartId = (await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await PayAsync(client, cartId, NewSignature(), "reused")).StatusCode);

        var otherSignature = NewSignature();
        var response = await PayAsync(client, cartId, otherSignature, "reused");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, App.Chain.CallsFor(otherSignature));
    }

    [Fact]
    public async Task A_retry_with_the_same_key_after_the_payment_was_recorded_is_its_own_attempt_and_another_key_is_a_replay()
    {
        var (client, tenant) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000);
        var cartId = (await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!;
        var signature = NewSignature();
        var key = "k-" + Guid.NewGuid();
        var first = await PayAsync(client, cartId, signature, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var orderId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var store = App.Storage.ForTenant(tenant);
        Assert.Equal(PayEndpoints.AttemptIdOf(key), (await store.GetPaymentAsync(signature))!.AttemptId);

        // The client never got that answer (a timeout, a dropped connection, a crash after the commit) and the key is
        // free again (a 5xx or an exception releases it; a lapsed lock or expiry frees it): the retry runs the handler
        // a second time, finds the payment recorded under its own attempt id, and answers with the same order.
        await store.DeleteIdempotencyKeyAsync(key);
        var retry = await PayAsync(client, cartId, signature, key);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(orderId, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal($"/orders/{orderId}", retry.Headers.Location?.OriginalString);

        // The same signature under another key is another attempt: a replay, on the same cart or another.
        var sameCart = await PayAsync(client, cartId, signature, "other-" + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Conflict, sameCart.StatusCode);
        var otherCart = await PayAsync(client, (await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!, signature, "third-" + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Conflict, otherCart.StatusCode);

        Assert.Equal(1, (await store.ListOrdersFilteredAsync(null, null, null, null, 100, 0)).Total);
        Assert.Single(await store.ListWebhooksAsync(null, 100));
        Assert.Equal(1, App.Chain.CallsFor(signature));   // the retry did not verify on chain again
    }

    [Fact]
    public async Task Payment_without_idempotency_key_is_400()
    {
        var (client, _) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000);
        var cartId = (await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!;
        var signature = NewSignature();

        var response = await client.PostAsJsonAsync("/payments/crypto", new { cartId, signature, wallet = "wallet-1" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, App.Chain.CallsFor(signature));
    }

    [Fact]
    public async Task Unverified_payment_is_402_and_writes_nothing()
    {
        var (client, tenant) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000);
        var cartId = (await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!;

        var response = await PayAsync(client, cartId, "invalid" + NewSignature(), "k");

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(0, (await App.Storage.ForTenant(tenant).ListOrdersFilteredAsync(null, null, null, null, 100, 0)).Total);
    }

    [Theory]
    [InlineData("bad tenant")]
    [InlineData("x/../y")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task Bad_tenant_is_400_problem(string tenant)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Tenant-Id", tenant);

        var quote = await client.PostAsJsonAsync("/cart/quote", new { items = new[] { new { resourceId = "pro-plan", quantity = 1 } } });
        var orders = await client.GetAsync("/orders");
        using var pay = new HttpRequestMessage(HttpMethod.Post, "/payments/crypto")
        {
            Content = JsonContent.Create(new { cartId = "c", signature = NewSignature(), wallet = "w" }),
        };
        pay.Headers.Add("Idempotency-Key", "k");
        var payment = await client.SendAsync(pay);

        foreach (var response in new[] { quote, orders, payment })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Invalid tenant", problem.GetProperty("title").GetString());
        }
    }

    // ── Stripe ───────────────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public async Task Stripe_completion_webhook_creates_one_order_however_often_it_arrives()
    {
        var (client, tenant) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000, fiat: 1_900);
        var checkout = await client.PostAsJsonAsync("/checkout/stripe", new { resourceId = "pro-plan", customerEmail = "a@example.com" });
        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        var sessionId = (await checkout.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
        var body = JsonSerializer.Serialize(new
        {
            id = "evt_" + Guid.NewGuid().ToString("N"),
            type = "checkout.session.completed",
            data = new { @object = new { id = sessionId } },
        });

        var deliveries = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => StripeAsync(client, body)));
        var late = await StripeAsync(client, body);

        var orderIds = new List<string?>();
        foreach (var response in deliveries.Append(late))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            orderIds.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString());
        }
        var store = App.Storage.ForTenant(tenant);
        var order = await store.GetOrderByPurchaseAsync("stripe", sessionId);
        Assert.NotNull(order);
        Assert.All(orderIds, id => Assert.Equal(order.Id, id));
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal(1_900, order.Amount);
        Assert.Equal(1, (await store.ListOrdersFilteredAsync(null, null, null, null, 100, 0)).Total);
        Assert.Single(await store.ListWebhooksAsync(null, 100));
        Assert.Equal(StripeSessionStatus.Completed, (await store.GetStripeSessionAsync(sessionId))!.Status);
    }

    [Fact]
    public async Task Stripe_webhook_with_a_bad_signature_is_400_and_changes_nothing()
    {
        var (client, tenant) = NewTenant();
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000, fiat: 1_900);
        var checkout = await client.PostAsJsonAsync("/checkout/stripe", new { resourceId = "pro-plan" });
        var sessionId = (await checkout.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
        var body = JsonSerializer.Serialize(new { type = "checkout.session.completed", data = new { @object = new { id = sessionId } } });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", StripeSignature.Sign("whsec_wrong", body, DateTimeOffset.UtcNow));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(StripeSessionStatus.Pending, (await App.Storage.ForTenant(tenant).GetStripeSessionAsync(sessionId))!.Status);
    }

    // ── fulfillments, admin nonces ───────────────────────────────────────────────────────────────────────────────

    [Fact]
    public async Task Fulfillment_and_shipping_move_the_order_with_history_and_a_webhook()
    {
        var (client, tenant) = NewTenant();
        var orderId = await PaidOrderAsync(client);

        var fulfillment = await AdminPostAsync(client, $"/admin/orders/{orderId}/fulfillments", NoncePurposes.FulfillmentsCreate, new { carrier = "UPS" });
        Assert.Equal(HttpStatusCode.Created, fulfillment.StatusCode);
        var fulfillmentId = (await fulfillment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var ship = await AdminPostAsync(client, $"/admin/fulfillments/{fulfillmentId}/ship", NoncePurposes.FulfillmentsShip,
            new { carrier = "UPS", trackingNumber = "1Z999" });
        Assert.Equal(HttpStatusCode.OK, ship.StatusCode);

        var view = await client.GetFromJsonAsync<JsonElement>($"/orders/{orderId}");
        Assert.Equal("Shipped", view.GetProperty("order").GetProperty("status").GetString());
        var history = view.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("toStatus").GetString()).ToList();
        Assert.Equal(["Paid", "Processing", "Fulfilled", "Shipped"], Sorted(history));
        var shipped = Assert.Single(view.GetProperty("fulfillments").EnumerateArray());
        Assert.Equal("Shipped", shipped.GetProperty("status").GetString());
        Assert.Equal("1Z999", shipped.GetProperty("trackingNumber").GetString());
        var events = (await App.Storage.ForTenant(tenant).ListWebhooksAsync(null, 100)).Select(w => w.EventType).Order(StringComparer.Ordinal);
        Assert.Equal(["order.paid", "order.shipped"], events);
    }

    [Fact]
    public async Task Admin_nonce_is_one_time_and_bound_to_its_purpose()
    {
        var (client, _) = NewTenant();
        var nonce = await NonceAsync(client, NoncePurposes.ProductsWrite);
        var product = new { description = "Pro", cryptoAmount = 5L, cryptoToken = Usdc };

        var wrongPurpose = await SendWithNonceAsync(client, HttpMethod.Post, "/admin/refunds/rfd_x/payout", nonce, new { });
        Assert.Equal(HttpStatusCode.BadRequest, wrongPurpose.StatusCode);               // wrong purpose: refused, not consumed
        var first = await SendWithNonceAsync(client, HttpMethod.Put, "/admin/products/p1", nonce, product);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await SendWithNonceAsync(client, HttpMethod.Put, "/admin/products/p1", nonce, product);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);                       // already consumed
        var unknown = await SendWithNonceAsync(client, HttpMethod.Put, "/admin/products/p1", "no-such-nonce", product);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var missing = await client.PutAsJsonAsync("/admin/products/p1", product);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);

        using var notAdmin = new HttpRequestMessage(HttpMethod.Post, "/admin/nonces") { Content = JsonContent.Create(new { purpose = NoncePurposes.ProductsWrite }) };
        notAdmin.Headers.Add("X-Admin-Key", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(notAdmin)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_uses_of_one_nonce_succeed_once()
    {
        var (client, _) = NewTenant();
        var nonce = await NonceAsync(client, NoncePurposes.ProductsWrite);
        var product = new { description = "Pro", cryptoAmount = 5L, cryptoToken = Usdc };

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            SendWithNonceAsync(client, HttpMethod.Put, $"/admin/products/p{i}", nonce, product)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    // ── refunds ──────────────────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public async Task Refund_is_paid_out_once_under_concurrent_payouts()
    {
        var (client, tenant) = NewTenant();
        var orderId = await PaidOrderAsync(client);
        var request = await client.PostAsJsonAsync("/refunds", new { orderId, reason = "changed my mind" });
        Assert.Equal(HttpStatusCode.Created, request.StatusCode);
        var refundId = (await request.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var repeated = await client.PostAsJsonAsync("/refunds", new { orderId, reason = "again" });
        Assert.Equal(refundId, (await repeated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        var payouts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            AdminPostAsync(client, $"/admin/refunds/{refundId}/payout", NoncePurposes.RefundsPayout, new { })));

        Assert.Single(payouts, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(payouts.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, App.Payouts.CallsFor(refundId));
        var store = App.Storage.ForTenant(tenant);
        var refund = await store.GetRefundQuoteAsync(refundId);
        Assert.Equal(RefundStatus.Processed, refund!.Status);
        Assert.StartsWith("payout", refund.Signature, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.Refunded, (await store.GetOrderAsync(orderId))!.Status);
        Assert.Contains(await store.ListWebhooksAsync(null, 100), w => w.EventType == "refund.processed");

        var late = await AdminPostAsync(client, $"/admin/refunds/{refundId}/payout", NoncePurposes.RefundsPayout, new { });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(1, App.Payouts.CallsFor(refundId));
    }

    [Fact]
    public async Task Health_endpoint_reports_healthy()
    {
        var response = await App.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────

    private static readonly string[] Lifecycle = ["Paid", "Processing", "Fulfilled", "Shipped"];

    // Entries written in one transaction share a timestamp; compare them in lifecycle order.
    private static List<string?> Sorted(List<string?> statuses) => [.. statuses.OrderBy(s => Array.IndexOf(Lifecycle, s))];

    private (HttpClient Client, string Tenant) NewTenant()
    {
        var tenant = $"{fixture.Backend}-{Guid.NewGuid():N}";
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        return (client, tenant);
    }

    private static string NewSignature() => "sig" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    private async Task<string> PaidOrderAsync(HttpClient client)
    {
        await PutProductAsync(client, "pro-plan", crypto: 1_000_000);
        var cartId = (await QuoteAsync(client, ("pro-plan", 1))).GetProperty("id").GetString()!;
        var response = await PayAsync(client, cartId, NewSignature(), "k-" + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string> NonceAsync(HttpClient client, string purpose)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/nonces") { Content = JsonContent.Create(new { purpose }) };
        request.Headers.Add("X-Admin-Key", SampleFactory.AdminKey);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nonce").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendWithNonceAsync(HttpClient client, HttpMethod method, string path, string nonce, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(PayEndpoints.NonceHeader, nonce);
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> AdminPostAsync(HttpClient client, string path, string purpose, object body) =>
        await SendWithNonceAsync(client, HttpMethod.Post, path, await NonceAsync(client, purpose), body);

    private static async Task PutProductAsync(HttpClient client, string id, long crypto, long? fiat = null)
    {
        var response = await SendWithNonceAsync(client, HttpMethod.Put, $"/admin/products/{id}", await NonceAsync(client, NoncePurposes.ProductsWrite),
            new { description = id, cryptoAmount = crypto, cryptoToken = Usdc, fiatAmount = fiat, fiatCurrency = fiat is null ? null : "usd" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<JsonElement> QuoteAsync(HttpClient client, params (string ResourceId, int Quantity)[] items)
    {
        var response = await client.PostAsJsonAsync("/cart/quote", new { items = items.Select(i => new { resourceId = i.ResourceId, quantity = i.Quantity }) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
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

    private static async Task<HttpResponseMessage> StripeAsync(HttpClient client, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", StripeSignature.Sign(SampleFactory.StripeSecret, body, DateTimeOffset.UtcNow));
        return await client.SendAsync(request);
    }
}

public sealed class SqlitePaySampleTests(SqliteSampleFixture fixture, ITestOutputHelper output)
    : PaySampleTests<SqliteSampleFixture>(fixture, output);

public sealed class PostgresPaySampleTests(PostgresSampleFixture fixture, ITestOutputHelper output)
    : PaySampleTests<PostgresSampleFixture>(fixture, output);
