using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §8: the durable webhook queue and its state machine.</summary>
public abstract class WebhookQueueConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static readonly TimeSpan Visibility = TimeSpan.FromMinutes(5);

    private static async Task<StorageException> Fails(StorageErrorKind kind, Func<Task> call)
    {
        var ex = await Assert.ThrowsAnyAsync<StorageException>(call);
        Assert.Equal(kind, ex.Kind);
        return ex;
    }

    /// <summary>Enqueues one webhook in A and claims it; returns the claimed row.</summary>
    private static async Task<PendingWebhook> EnqueueAndClaimAsync(TestStorage s, PendingWebhook? webhook = null)
    {
        var id = await s.A.EnqueueWebhookAsync(webhook ?? Make.Webhook());
        var claimed = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        Assert.Equal(id, claimed.Id);
        return claimed;
    }

    // ---- enqueue ----

    [Fact]
    public async Task Enqueue_fills_the_defaults()
    {
        await using var s = await OpenAsync();
        var webhook = Make.Webhook();
        var id = await s.A.EnqueueWebhookAsync(webhook);
        Assert.Equal(webhook.Id, id);
        var expected = webhook with
        {
            TenantId = "tenant-a",
            Status = WebhookStatus.Pending,
            Attempts = 0,
            MaxAttempts = 5,
            NextAttemptAt = s.Now,
            CreatedAt = s.Now,
        };
        Assert.Equivalent(expected, await s.A.GetWebhookAsync(id), strict: true);
    }

    [Fact]
    public async Task Enqueue_ignores_state_fields_given_by_the_caller()
    {
        await using var s = await OpenAsync();
        var webhook = Make.Webhook() with
        {
            Status = WebhookStatus.Success,
            Attempts = 3,
            LastError = "x",
            LastAttemptAt = s.Now,
            CompletedAt = s.Now,
            LockedUntil = s.Now.AddHours(1),
            ClaimToken = "forged",
        };
        var id = await s.A.EnqueueWebhookAsync(webhook);
        var read = (await s.A.GetWebhookAsync(id))!;
        Assert.Equal(WebhookStatus.Pending, read.Status);
        Assert.Equal(0, read.Attempts);
        Assert.Null(read.LastError);
        Assert.Null(read.LastAttemptAt);
        Assert.Null(read.CompletedAt);
        Assert.Null(read.LockedUntil);
        Assert.Null(read.ClaimToken);
    }

    [Fact]
    public async Task Enqueue_with_an_empty_id_generates_a_time_sortable_id()
    {
        await using var s = await OpenAsync();
        var first = await s.A.EnqueueWebhookAsync(Make.Webhook(id: ""));
        s.Time.Advance(TimeSpan.FromMilliseconds(5));
        var second = await s.A.EnqueueWebhookAsync(Make.Webhook(id: ""));
        Assert.True(Guid.TryParse(first, out var guid));
        Assert.Equal(7, guid.Version);
        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.NotNull(await s.A.GetWebhookAsync(first));
        Assert.NotNull(await s.A.GetWebhookAsync(second));
    }

    [Fact]
    public async Task Enqueue_keeps_a_given_next_attempt_and_creation_time_at_microsecond_precision()
    {
        await using var s = await OpenAsync();
        var next = Start.AddMinutes(10);
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook() with { NextAttemptAt = next, CreatedAt = Start, MaxAttempts = 9 });
        var read = (await s.A.GetWebhookAsync(id))!;
        Assert.Equal(StorageTime.Micro(next), read.NextAttemptAt);
        Assert.Equal(StorageTime.Micro(Start), read.CreatedAt);
        Assert.Equal(9, read.MaxAttempts);
    }

    [Theory]
    [InlineData("{\"b\":1,  \"a\" : [ 1,2 ,3 ] }")]
    [InlineData("{\n  \"z\": \"\\u00e9t\\u00e9\",\n  \"a\": 1.50\n}\n")]
    [InlineData("  [1, {\"k\":null}]  ")]
    [InlineData("{\"emoji\":\"😀\",\"esc\":\"\\/\"}")]
    public async Task The_payload_is_kept_byte_exact(string payload)
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook(payload: payload));
        Assert.Equal(payload, (await s.A.GetWebhookAsync(id))!.Payload);
        s.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(payload, Assert.Single(await s.A.DequeueWebhooksAsync(1)).Payload);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    public async Task An_invalid_JSON_payload_is_rejected_with_Validation_and_nothing_is_written(string payload)
    {
        await using var s = await OpenAsync();
        var webhook = Make.Webhook(payload: payload);
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.EnqueueWebhookAsync(webhook));
        Assert.Null(await s.A.GetWebhookAsync(webhook.Id));
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    [Theory]
    [InlineData("no url")]
    [InlineData("zero max attempts")]
    [InlineData("long id")]
    [InlineData("null payload")]
    [InlineData("payload over 1 MiB")]
    public async Task An_invalid_webhook_is_rejected_with_Validation_and_nothing_is_written(string problem)
    {
        await using var s = await OpenAsync();
        var valid = Make.Webhook();
        var webhook = problem switch
        {
            "no url" => valid with { Url = "" },
            "zero max attempts" => valid with { MaxAttempts = 0 },
            "long id" => valid with { Id = new string('w', 256) },
            "null payload" => valid with { Payload = null! },
            _ => valid with { Payload = "\"" + new string('x', 1024 * 1024) + "\"" },
        };
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.EnqueueWebhookAsync(webhook));
        Assert.Empty(await s.A.ListWebhooksAsync(null, 100));
    }

    [Fact]
    public async Task Enqueuing_an_existing_id_returns_it_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var webhook = Make.Webhook();
        await s.A.EnqueueWebhookAsync(webhook);
        var before = await s.A.GetWebhookAsync(webhook.Id);
        s.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await s.A.EnqueueWebhookAsync(webhook with { Payload = "{\"changed\":true}", Url = "https://other.example" });
        Assert.Equal(webhook.Id, again);
        Assert.Equivalent(before, await s.A.GetWebhookAsync(webhook.Id), strict: true);
    }

    [Fact]
    public async Task Enqueuing_an_existing_id_does_not_reset_a_delivered_webhook()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(claimed.Id);
        await s.A.EnqueueWebhookAsync(Make.Webhook(id: claimed.Id));
        Assert.Equal(WebhookStatus.Success, (await s.A.GetWebhookAsync(claimed.Id))!.Status);
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    [Fact]
    public async Task Enqueuing_an_id_that_exists_in_another_tenant_fails_with_Conflict_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var webhook = Make.Webhook();
        await s.A.EnqueueWebhookAsync(webhook);
        var before = await s.A.GetWebhookAsync(webhook.Id);
        var ex = await Fails(StorageErrorKind.Conflict, () => s.B.EnqueueWebhookAsync(webhook with { Payload = "{}" }));
        Assert.DoesNotContain("tenant-a", ex.Message, StringComparison.Ordinal);
        Assert.Null(await s.B.GetWebhookAsync(webhook.Id));
        Assert.Equivalent(before, await s.A.GetWebhookAsync(webhook.Id), strict: true);
    }

    [Fact]
    public async Task Headers_round_trip_exactly()
    {
        await using var s = await OpenAsync();
        var headers = Make.Meta(("X-Signature", "sha256=abc"), ("Content-Type", "application/json"), ("x-lower", ""));
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook() with { Headers = headers });
        Assert.Equivalent(headers, (await s.A.GetWebhookAsync(id))!.Headers, strict: true);
    }

    // ---- dequeue ----

    [Fact]
    public async Task Dequeue_claims_a_ready_webhook()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var claimed = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        Assert.Equal(id, claimed.Id);
        Assert.Equal(WebhookStatus.Processing, claimed.Status);
        Assert.Equal(1, claimed.Attempts);
        Assert.Equal(s.Now, claimed.LastAttemptAt);
        Assert.Equal(s.Now + Visibility, claimed.LockedUntil);
        Assert.False(string.IsNullOrEmpty(claimed.ClaimToken));
        Assert.Equivalent(claimed, await s.A.GetWebhookAsync(id), strict: true);
    }

    [Fact]
    public async Task Dequeue_never_returns_a_claimed_webhook_while_its_lease_holds()
    {
        await using var s = await OpenAsync();
        await EnqueueAndClaimAsync(s);
        s.Time.Advance(Visibility - TimeSpan.FromMicroseconds(1));
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    [Fact]
    public async Task A_webhook_whose_lease_ran_out_is_claimed_again_with_a_new_token()
    {
        await using var s = await OpenAsync();
        var first = await EnqueueAndClaimAsync(s);
        s.Time.Advance(Visibility);
        var second = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.Attempts);
        Assert.NotEqual(first.ClaimToken, second.ClaimToken);
        Assert.Equal(s.Now + Visibility, second.LockedUntil);
        Assert.Equal(s.Now, second.LastAttemptAt);
    }

    [Fact]
    public async Task The_visibility_timeout_is_configurable()
    {
        await using var s = await OpenAsync(o => o.Webhooks.VisibilityTimeout = TimeSpan.FromSeconds(30));
        var claimed = await EnqueueAndClaimAsync(s);
        Assert.Equal(s.Now + TimeSpan.FromSeconds(30), claimed.LockedUntil);
        s.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Single(await s.A.DequeueWebhooksAsync(10));
    }

    [Fact]
    public async Task Dequeue_skips_webhooks_not_yet_due_and_takes_them_exactly_at_next_attempt_at()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook() with { NextAttemptAt = s.Now.AddSeconds(10) });
        s.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMicroseconds(1));
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Equal(id, Assert.Single(await s.A.DequeueWebhooksAsync(10)).Id);
    }

    [Fact]
    public async Task Dequeue_takes_the_oldest_next_attempt_first_then_the_id()
    {
        await using var s = await OpenAsync();
        await s.A.EnqueueWebhookAsync(Make.Webhook("wh-c") with { NextAttemptAt = s.Now.AddSeconds(-1) });
        await s.A.EnqueueWebhookAsync(Make.Webhook("wh-b") with { NextAttemptAt = s.Now.AddSeconds(-2) });
        await s.B.EnqueueWebhookAsync(Make.Webhook("wh-a") with { NextAttemptAt = s.Now.AddSeconds(-1) });
        await s.A.EnqueueWebhookAsync(Make.Webhook("wh-d") with { NextAttemptAt = s.Now.AddSeconds(-3) });
        var claimed = await s.A.DequeueWebhooksAsync(10);
        Assert.Equal(new[] { "wh-d", "wh-b", "wh-a", "wh-c" }, claimed.Select(w => w.Id));
    }

    [Fact]
    public async Task Dequeue_orders_ids_as_the_databases_order_text()
    {
        // U+E000 sorts before U+1F600 by UTF-8 bytes (SQLite BINARY, PostgreSQL "C"); UTF-16 code units put the
        // surrogate pair first. A claim returns the same order on every backend.
        await using var s = await OpenAsync();
        const string Emoji = "wh-\U0001F600", Private = "wh-\uE000";
        await s.A.EnqueueWebhookAsync(Make.Webhook(Emoji) with { NextAttemptAt = s.Now.AddSeconds(-1) });
        await s.A.EnqueueWebhookAsync(Make.Webhook(Private) with { NextAttemptAt = s.Now.AddSeconds(-1) });
        var claimed = await s.A.DequeueWebhooksAsync(10);
        Assert.Equal(new[] { Private, Emoji }, claimed.Select(w => w.Id));
    }

    [Fact]
    public async Task Dequeue_claims_at_most_limit_webhooks()
    {
        await using var s = await OpenAsync();
        for (var i = 0; i < 5; i++) await s.A.EnqueueWebhookAsync(Make.Webhook());
        Assert.Equal(3, (await s.A.DequeueWebhooksAsync(3)).Count);
        Assert.Equal(2, (await s.A.DequeueWebhooksAsync(3)).Count);
        Assert.Empty(await s.A.DequeueWebhooksAsync(3));
    }

    [Fact]
    public async Task Dequeue_with_limit_zero_claims_nothing()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        Assert.Empty(await s.A.DequeueWebhooksAsync(0));
        Assert.Equal(WebhookStatus.Pending, (await s.A.GetWebhookAsync(id))!.Status);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task Dequeue_with_a_limit_out_of_range_is_rejected_with_Validation(int limit)
    {
        await using var s = await OpenAsync();
        await s.A.EnqueueWebhookAsync(Make.Webhook());
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.DequeueWebhooksAsync(limit));
    }

    [Fact]
    public async Task Dequeue_serves_every_tenant()
    {
        await using var s = await OpenAsync();
        var a = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var b = await s.B.EnqueueWebhookAsync(Make.Webhook());
        var claimed = await s.Storage.Default.DequeueWebhooksAsync(10);
        Assert.Equal(new[] { a, b }.Order(), claimed.Select(w => w.Id).Order());
        Assert.Equal("tenant-a", claimed.Single(w => w.Id == a).TenantId);
        Assert.Equal("tenant-b", claimed.Single(w => w.Id == b).TenantId);
    }

    [Fact]
    public async Task Dequeue_skips_delivered_and_dead_lettered_webhooks()
    {
        await using var s = await OpenAsync();
        var ok = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(ok.Id);
        var dead = await EnqueueAndClaimAsync(s, Make.Webhook() with { MaxAttempts = 1 });
        await s.A.MarkWebhookFailedAsync(dead.Id, "boom", s.Now);
        s.Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    // ---- MarkWebhookProcessing ----

    [Fact]
    public async Task MarkWebhookProcessing_claims_a_pending_webhook()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook() with { NextAttemptAt = s.Now.AddHours(1) });
        var claimed = await s.A.MarkWebhookProcessingAsync(id);
        Assert.Equal(WebhookStatus.Processing, claimed.Status);
        Assert.Equal(1, claimed.Attempts);
        Assert.Equal(s.Now, claimed.LastAttemptAt);
        Assert.Equal(s.Now + Visibility, claimed.LockedUntil);
        Assert.False(string.IsNullOrEmpty(claimed.ClaimToken));
        Assert.Equivalent(claimed, await s.A.GetWebhookAsync(id), strict: true);
    }

    [Fact]
    public async Task MarkWebhookProcessing_renews_the_lease_without_counting_an_attempt()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        s.Time.Advance(TimeSpan.FromMinutes(4));
        var renewed = await s.A.MarkWebhookProcessingAsync(claimed.Id);
        Assert.Equal(1, renewed.Attempts);
        Assert.Equal(claimed.ClaimToken, renewed.ClaimToken);
        Assert.Equal(claimed.LastAttemptAt, renewed.LastAttemptAt);
        Assert.Equal(s.Now + Visibility, renewed.LockedUntil);
        s.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
        await s.A.MarkWebhookSuccessAsync(claimed.Id, claimed.ClaimToken!);
    }

    [Fact]
    public async Task MarkWebhookProcessing_of_a_missing_webhook_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.A.MarkWebhookProcessingAsync("missing"));
    }

    [Fact]
    public async Task MarkWebhookProcessing_of_a_finished_webhook_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(claimed.Id);
        var before = await s.A.GetWebhookAsync(claimed.Id);
        await Fails(StorageErrorKind.Conflict, () => s.A.MarkWebhookProcessingAsync(claimed.Id));
        Assert.Equivalent(before, await s.A.GetWebhookAsync(claimed.Id), strict: true);
    }

    // ---- success ----

    [Fact]
    public async Task MarkWebhookSuccess_completes_a_processing_webhook_and_clears_the_lease()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        s.Time.Advance(TimeSpan.FromSeconds(3));
        await s.A.MarkWebhookSuccessAsync(claimed.Id);
        var read = (await s.A.GetWebhookAsync(claimed.Id))!;
        Assert.Equal(WebhookStatus.Success, read.Status);
        Assert.Equal(s.Now, read.CompletedAt);
        Assert.Null(read.LockedUntil);
        Assert.Null(read.ClaimToken);
        Assert.Equal(1, read.Attempts);
    }

    [Fact]
    public async Task MarkWebhookSuccess_with_the_current_claim_token_succeeds()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(claimed.Id, claimed.ClaimToken!);
        Assert.Equal(WebhookStatus.Success, (await s.A.GetWebhookAsync(claimed.Id))!.Status);
    }

    [Fact]
    public async Task MarkWebhookSuccess_of_a_pending_webhook_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        await Fails(StorageErrorKind.Conflict, () => s.A.MarkWebhookSuccessAsync(id));
        Assert.Equal(WebhookStatus.Pending, (await s.A.GetWebhookAsync(id))!.Status);
    }

    [Fact]
    public async Task MarkWebhookSuccess_twice_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(claimed.Id);
        await Fails(StorageErrorKind.Conflict, () => s.A.MarkWebhookSuccessAsync(claimed.Id));
    }

    [Fact]
    public async Task MarkWebhookSuccess_of_a_missing_webhook_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.A.MarkWebhookSuccessAsync("missing"));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.A.MarkWebhookSuccessAsync("missing", "token"));
    }

    [Fact]
    public async Task A_stale_claim_token_cannot_mark_success_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var first = await EnqueueAndClaimAsync(s);
        s.Time.Advance(Visibility);
        var second = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        await Fails(StorageErrorKind.Conflict, () => s.A.MarkWebhookSuccessAsync(first.Id, first.ClaimToken!));
        Assert.Equivalent(second, await s.A.GetWebhookAsync(first.Id), strict: true);
        await s.A.MarkWebhookSuccessAsync(second.Id, second.ClaimToken!);
    }

    [Fact]
    public async Task A_wrong_claim_token_cannot_mark_success()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await Fails(StorageErrorKind.Conflict, () => s.A.MarkWebhookSuccessAsync(claimed.Id, "not-the-token"));
        Assert.Equivalent(claimed, await s.A.GetWebhookAsync(claimed.Id), strict: true);
    }

    // ---- failure ----

    [Fact]
    public async Task MarkWebhookFailed_with_attempts_left_requeues_at_the_given_time()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        var next = Start.AddMinutes(5);
        await s.A.MarkWebhookFailedAsync(claimed.Id, "HTTP 500", next);
        var read = (await s.A.GetWebhookAsync(claimed.Id))!;
        Assert.Equal(WebhookStatus.Pending, read.Status);
        Assert.Equal("HTTP 500", read.LastError);
        Assert.Equal(StorageTime.Micro(next), read.NextAttemptAt);
        Assert.Null(read.CompletedAt);
        Assert.Null(read.LockedUntil);
        Assert.Null(read.ClaimToken);
        Assert.Equal(1, read.Attempts);
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
        s.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, Assert.Single(await s.A.DequeueWebhooksAsync(10)).Attempts);
    }

    [Fact]
    public async Task MarkWebhookFailed_when_attempts_reach_max_attempts_dead_letters_the_webhook()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook() with { MaxAttempts = 2 });
        Assert.Single(await s.A.DequeueWebhooksAsync(10));
        await s.A.MarkWebhookFailedAsync(id, "first", s.Now.AddSeconds(5));
        s.Time.Advance(TimeSpan.FromSeconds(5));
        var second = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        Assert.Equal(2, second.Attempts);
        await s.A.MarkWebhookFailedAsync(id, "second", s.Now.AddSeconds(5), second.ClaimToken!);
        var read = (await s.A.GetWebhookAsync(id))!;
        Assert.Equal(WebhookStatus.Failed, read.Status);
        Assert.Equal("second", read.LastError);
        Assert.Equal(s.Now, read.CompletedAt);
        Assert.Null(read.LockedUntil);
        Assert.Null(read.ClaimToken);
        s.Time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    [Fact]
    public async Task MarkWebhookFailed_of_a_pending_webhook_fails_with_Conflict_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var before = await s.A.GetWebhookAsync(id);
        await Fails(StorageErrorKind.Conflict, () => s.A.MarkWebhookFailedAsync(id, "x", s.Now.AddMinutes(1)));
        Assert.Equivalent(before, await s.A.GetWebhookAsync(id), strict: true);
    }

    [Fact]
    public async Task MarkWebhookFailed_of_a_dead_letter_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s, Make.Webhook() with { MaxAttempts = 1 });
        await s.A.MarkWebhookFailedAsync(claimed.Id, "x", s.Now);
        await Fails(StorageErrorKind.Conflict, () => s.A.MarkWebhookFailedAsync(claimed.Id, "y", s.Now));
        Assert.Equal("x", (await s.A.GetWebhookAsync(claimed.Id))!.LastError);
    }

    [Fact]
    public async Task MarkWebhookFailed_of_a_missing_webhook_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.A.MarkWebhookFailedAsync("missing", "x", s.Now));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.A.MarkWebhookFailedAsync("missing", "x", s.Now, "token"));
    }

    [Fact]
    public async Task A_stale_claim_token_cannot_mark_failure_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var first = await EnqueueAndClaimAsync(s);
        s.Time.Advance(Visibility);
        var second = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        await Fails(StorageErrorKind.Conflict, () => s.A.MarkWebhookFailedAsync(first.Id, "late", s.Now.AddMinutes(1), first.ClaimToken!));
        Assert.Equivalent(second, await s.A.GetWebhookAsync(first.Id), strict: true);
    }

    [Fact]
    public async Task A_very_long_error_message_is_stored_truncated_to_4096_characters()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookFailedAsync(claimed.Id, new string('e', 10_000), s.Now.AddMinutes(1));
        var read = (await s.A.GetWebhookAsync(claimed.Id))!;
        Assert.Equal(WebhookStatus.Pending, read.Status);
        Assert.Equal(new string('e', 4096), read.LastError);
    }

    [Fact]
    public async Task Delivery_methods_act_on_every_tenants_webhooks()
    {
        await using var s = await OpenAsync();
        var a = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var b = await s.B.EnqueueWebhookAsync(Make.Webhook());
        var worker = s.Storage.Default;
        await worker.MarkWebhookProcessingAsync(a);
        await worker.MarkWebhookProcessingAsync(b);
        await worker.MarkWebhookSuccessAsync(a);
        await worker.MarkWebhookFailedAsync(b, "x", s.Now.AddMinutes(1));
        Assert.Equal(WebhookStatus.Success, (await s.A.GetWebhookAsync(a))!.Status);
        Assert.Equal(WebhookStatus.Pending, (await s.B.GetWebhookAsync(b))!.Status);
        Assert.Null(await worker.GetWebhookAsync(a));
    }

    // ---- reading ----

    [Fact]
    public async Task GetWebhook_returns_null_when_missing_or_of_another_tenant()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        Assert.Null(await s.A.GetWebhookAsync("missing"));
        Assert.Null(await s.B.GetWebhookAsync(id));
    }

    [Fact]
    public async Task ListWebhooks_returns_the_tenants_webhooks_newest_first()
    {
        await using var s = await OpenAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await s.A.EnqueueWebhookAsync(Make.Webhook()));
            s.Time.Advance(TimeSpan.FromSeconds(1));
        }
        await s.B.EnqueueWebhookAsync(Make.Webhook());
        var listed = await s.A.ListWebhooksAsync(null, 100);
        Assert.Equal(Enumerable.Reverse(ids), listed.Select(w => w.Id));
        Assert.Equal(2, (await s.A.ListWebhooksAsync(null, 2)).Count);
        Assert.Empty(await s.A.ListWebhooksAsync(null, 0));
    }

    [Fact]
    public async Task ListWebhooks_breaks_creation_time_ties_by_id_descending()
    {
        await using var s = await OpenAsync();
        await s.A.EnqueueWebhookAsync(Make.Webhook("wh-1"));
        await s.A.EnqueueWebhookAsync(Make.Webhook("wh-3"));
        await s.A.EnqueueWebhookAsync(Make.Webhook("wh-2"));
        Assert.Equal(new[] { "wh-3", "wh-2", "wh-1" }, (await s.A.ListWebhooksAsync(null, 10)).Select(w => w.Id));
    }

    [Fact]
    public async Task ListWebhooks_filters_by_status()
    {
        await using var s = await OpenAsync();
        var pending = await s.A.EnqueueWebhookAsync(Make.Webhook() with { NextAttemptAt = s.Now.AddHours(1) });
        var done = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(done.Id);
        Assert.Equal(pending, Assert.Single(await s.A.ListWebhooksAsync(WebhookStatus.Pending, 10)).Id);
        Assert.Equal(done.Id, Assert.Single(await s.A.ListWebhooksAsync(WebhookStatus.Success, 10)).Id);
        Assert.Empty(await s.A.ListWebhooksAsync(WebhookStatus.Failed, 10));
        Assert.Empty(await s.B.ListWebhooksAsync(WebhookStatus.Success, 10));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task ListWebhooks_with_a_limit_out_of_range_is_rejected_with_Validation(int limit)
    {
        await using var s = await OpenAsync();
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.ListWebhooksAsync(null, limit));
    }

    [Fact]
    public async Task CountWebhooksByStatus_reports_every_status_of_the_tenant()
    {
        await using var s = await OpenAsync();
        Assert.Equivalent(new Dictionary<WebhookStatus, long>
        {
            [WebhookStatus.Pending] = 0, [WebhookStatus.Processing] = 0, [WebhookStatus.Success] = 0, [WebhookStatus.Failed] = 0,
        }, await s.A.CountWebhooksByStatusAsync(), strict: true);

        await s.A.EnqueueWebhookAsync(Make.Webhook() with { NextAttemptAt = s.Now.AddHours(1) });
        await s.A.EnqueueWebhookAsync(Make.Webhook() with { NextAttemptAt = s.Now.AddHours(1) });
        var ok = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(ok.Id);
        var dead = await EnqueueAndClaimAsync(s, Make.Webhook() with { MaxAttempts = 1 });
        await s.A.MarkWebhookFailedAsync(dead.Id, "x", s.Now);
        await EnqueueAndClaimAsync(s);
        await s.B.EnqueueWebhookAsync(Make.Webhook());

        Assert.Equivalent(new Dictionary<WebhookStatus, long>
        {
            [WebhookStatus.Pending] = 2, [WebhookStatus.Processing] = 1, [WebhookStatus.Success] = 1, [WebhookStatus.Failed] = 1,
        }, await s.A.CountWebhooksByStatusAsync(), strict: true);
        Assert.Equal(1, (await s.B.CountWebhooksByStatusAsync())[WebhookStatus.Pending]);
        Assert.Equal(0, (await s.B.CountWebhooksByStatusAsync())[WebhookStatus.Success]);
    }

    // ---- retry and delete ----

    [Fact]
    public async Task RetryWebhook_requeues_a_dead_letter_now_with_attempts_reset()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s, Make.Webhook() with { MaxAttempts = 1 });
        await s.A.MarkWebhookFailedAsync(claimed.Id, "boom", s.Now);
        s.Time.Advance(TimeSpan.FromHours(2));
        await s.A.RetryWebhookAsync(claimed.Id);
        var read = (await s.A.GetWebhookAsync(claimed.Id))!;
        Assert.Equal(WebhookStatus.Pending, read.Status);
        Assert.Equal(0, read.Attempts);
        Assert.Equal(s.Now, read.NextAttemptAt);
        Assert.Null(read.LastError);
        Assert.Null(read.CompletedAt);
        Assert.Null(read.LockedUntil);
        Assert.Null(read.ClaimToken);
        Assert.Equal(1, Assert.Single(await s.A.DequeueWebhooksAsync(10)).Attempts);
    }

    [Fact]
    public async Task RetryWebhook_of_a_pending_webhook_makes_it_due_now()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook() with { NextAttemptAt = s.Now.AddHours(5) });
        await s.A.RetryWebhookAsync(id);
        Assert.Equal(id, Assert.Single(await s.A.DequeueWebhooksAsync(10)).Id);
    }

    [Fact]
    public async Task RetryWebhook_of_a_processing_webhook_fails_with_Conflict_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await Fails(StorageErrorKind.Conflict, () => s.A.RetryWebhookAsync(claimed.Id));
        Assert.Equivalent(claimed, await s.A.GetWebhookAsync(claimed.Id), strict: true);
    }

    [Fact]
    public async Task RetryWebhook_of_a_missing_webhook_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.A.RetryWebhookAsync("missing"));
    }

    [Fact]
    public async Task RetryWebhook_of_another_tenants_webhook_fails_with_NotFound_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s, Make.Webhook() with { MaxAttempts = 1 });
        await s.A.MarkWebhookFailedAsync(claimed.Id, "boom", s.Now);
        var before = await s.A.GetWebhookAsync(claimed.Id);
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.B.RetryWebhookAsync(claimed.Id));
        Assert.Equivalent(before, await s.A.GetWebhookAsync(claimed.Id), strict: true);
    }

    [Fact]
    public async Task DeleteWebhook_removes_it()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        await s.A.DeleteWebhookAsync(id);
        Assert.Null(await s.A.GetWebhookAsync(id));
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    [Fact]
    public async Task DeleteWebhook_of_a_missing_webhook_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.A.DeleteWebhookAsync("missing"));
    }

    [Fact]
    public async Task DeleteWebhook_of_another_tenants_webhook_fails_with_NotFound_and_keeps_it()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.B.DeleteWebhookAsync(id));
        Assert.NotNull(await s.A.GetWebhookAsync(id));
    }

    // ---- cleanup ----

    [Fact]
    public async Task CleanupCompletedWebhooks_deletes_finished_webhooks_completed_before_the_cutoff_across_tenants()
    {
        await using var s = await OpenAsync();
        var okA = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(okA.Id);
        var deadB = await s.B.EnqueueWebhookAsync(Make.Webhook() with { MaxAttempts = 1 });
        await s.B.MarkWebhookProcessingAsync(deadB);
        await s.B.MarkWebhookFailedAsync(deadB, "x", s.Now);
        var cutoff = s.Now.AddMicroseconds(1);
        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        var atCutoff = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(atCutoff.Id);
        var pending = await s.A.EnqueueWebhookAsync(Make.Webhook() with { NextAttemptAt = s.Now.AddDays(1) });
        var processing = await EnqueueAndClaimAsync(s);
        s.Time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(2, await s.A.CleanupCompletedWebhooksAsync(cutoff));
        Assert.Null(await s.A.GetWebhookAsync(okA.Id));
        Assert.Null(await s.B.GetWebhookAsync(deadB));
        Assert.NotNull(await s.A.GetWebhookAsync(atCutoff.Id));
        Assert.NotNull(await s.A.GetWebhookAsync(pending));
        Assert.NotNull(await s.A.GetWebhookAsync(processing.Id));
        Assert.Equal(0, await s.A.CleanupCompletedWebhooksAsync(cutoff));
    }

    [Fact]
    public async Task CleanupCompletedWebhooks_works_in_small_batches_until_done()
    {
        await using var s = await OpenAsync(o => o.HousekeepingBatchSize = 3);
        for (var i = 0; i < 10; i++) await (i % 2 == 0 ? s.A : s.B).EnqueueWebhookAsync(Make.Webhook());
        foreach (var claimed in await s.A.DequeueWebhooksAsync(100)) await s.A.MarkWebhookSuccessAsync(claimed.Id);
        s.Time.Advance(TimeSpan.FromDays(8));
        Assert.Equal(10, await s.A.CleanupCompletedWebhooksAsync(s.Now.AddDays(-7)));
    }

    [Fact]
    public async Task CleanupCompletedWebhooks_reports_the_running_total_after_each_batch()
    {
        await using var s = await OpenAsync(o => o.HousekeepingBatchSize = 3);
        for (var i = 0; i < 7; i++) await (i % 2 == 0 ? s.A : s.B).EnqueueWebhookAsync(Make.Webhook());
        foreach (var claimed in await s.A.DequeueWebhooksAsync(100)) await s.A.MarkWebhookSuccessAsync(claimed.Id);
        s.Time.Advance(TimeSpan.FromDays(8));
        var reports = new SyncProgress();
        Assert.Equal(7, await s.A.CleanupCompletedWebhooksAsync(s.Now.AddDays(-7), reports));
        Assert.Equal([3L, 6L, 7L], reports.Values);
    }

    [Fact]
    public async Task RetryWebhook_of_a_delivered_webhook_requeues_it_for_a_redelivery()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookSuccessAsync(claimed.Id);
        await s.A.RetryWebhookAsync(claimed.Id);
        var read = (await s.A.GetWebhookAsync(claimed.Id))!;
        Assert.Equal(WebhookStatus.Pending, read.Status);
        Assert.Null(read.CompletedAt);
        Assert.Equal(claimed.Id, Assert.Single(await s.A.DequeueWebhooksAsync(10)).Id);
    }

    [Fact]
    public async Task A_webhook_whose_worker_died_on_its_last_attempt_is_claimed_again_and_dead_lettered_on_failure()
    {
        await using var s = await OpenAsync();
        var first = await EnqueueAndClaimAsync(s, Make.Webhook() with { MaxAttempts = 1 });
        s.Time.Advance(Visibility);
        var second = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        Assert.Equal(2, second.Attempts);
        await s.A.MarkWebhookFailedAsync(first.Id, "again", s.Now.AddMinutes(1), second.ClaimToken!);
        Assert.Equal(WebhookStatus.Failed, (await s.A.GetWebhookAsync(first.Id))!.Status);
    }

    [Fact]
    public async Task A_failure_may_be_scheduled_in_the_past_and_is_then_due_at_once()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await s.A.MarkWebhookFailedAsync(claimed.Id, "x", s.Now.AddMinutes(-1));
        Assert.Equal(claimed.Id, Assert.Single(await s.A.DequeueWebhooksAsync(10)).Id);
    }

    [Fact]
    public async Task MarkWebhookProcessing_of_a_webhook_whose_lease_ran_out_renews_it_for_the_holder()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        s.Time.Advance(Visibility + TimeSpan.FromMinutes(1));
        var renewed = await s.A.MarkWebhookProcessingAsync(claimed.Id);
        Assert.Equal(claimed.ClaimToken, renewed.ClaimToken);
        Assert.Equal(1, renewed.Attempts);
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    [Fact]
    public async Task Enqueuing_an_existing_id_inside_a_transaction_returns_it_and_the_transaction_commits()
    {
        await using var s = await OpenAsync();
        var existing = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var other = Make.Webhook();
        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            Assert.Equal(existing, await tx.EnqueueWebhookAsync(Make.Webhook(id: existing), ct));
            await tx.EnqueueWebhookAsync(other, ct);
        });
        Assert.NotNull(await s.A.GetWebhookAsync(other.Id));
        Assert.Equal(2, (await s.A.CountWebhooksByStatusAsync())[WebhookStatus.Pending]);
    }

    [Fact]
    public async Task A_webhook_enqueued_in_a_transaction_that_throws_is_never_delivered()
    {
        await using var s = await OpenAsync();
        var webhook = Make.Webhook();
        await Assert.ThrowsAsync<InvalidOperationException>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.EnqueueWebhookAsync(webhook, ct);
            throw new InvalidOperationException("abort");
        }));
        Assert.Null(await s.A.GetWebhookAsync(webhook.Id));
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    [Fact]
    public async Task Deleted_webhooks_leave_the_counts()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        await s.A.DeleteWebhookAsync(id);
        Assert.All(await s.A.CountWebhooksByStatusAsync(), p => Assert.Equal(0, p.Value));
    }

    [Fact]
    public async Task Calls_with_an_empty_or_overlong_webhook_id_fail_with_Validation()
    {
        await using var s = await OpenAsync();
        var tooLong = new string('w', 256);
        await ExpectKind.Validation(() => s.A.GetWebhookAsync(""));
        await ExpectKind.Validation(() => s.A.GetWebhookAsync(tooLong));
        await ExpectKind.Validation(() => s.A.MarkWebhookProcessingAsync(""));
        await ExpectKind.Validation(() => s.A.MarkWebhookSuccessAsync(tooLong));
        await ExpectKind.Validation(() => s.A.MarkWebhookFailedAsync("", "x", s.Now));
        await ExpectKind.Validation(() => s.A.RetryWebhookAsync(""));
        await ExpectKind.Validation(() => s.A.DeleteWebhookAsync(tooLong));
    }

    [Fact]
    public async Task Marking_with_an_empty_claim_token_fails_with_Validation_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var claimed = await EnqueueAndClaimAsync(s);
        await ExpectKind.Validation(() => s.A.MarkWebhookSuccessAsync(claimed.Id, ""));
        await ExpectKind.Validation(() => s.A.MarkWebhookFailedAsync(claimed.Id, "x", s.Now, ""));
        Assert.Equivalent(claimed, await s.A.GetWebhookAsync(claimed.Id), strict: true);
    }

    // ---- batch acknowledgement ----

    [Fact]
    public async Task MarkWebhooksSuccess_acknowledges_every_held_claim_of_a_batch()
    {
        await using var s = await OpenAsync();
        for (var i = 0; i < 5; i++) await (i % 2 == 0 ? s.A : s.B).EnqueueWebhookAsync(Make.Webhook());
        var claimed = await s.A.DequeueWebhooksAsync(10);
        Assert.Equal(5, claimed.Count);
        s.Time.Advance(TimeSpan.FromSeconds(2));
        var result = await s.A.MarkWebhooksSuccessAsync(claimed);
        Assert.Equal(claimed.Select(w => w.Id), result.Acknowledged);
        Assert.Empty(result.LeaseLost);
        foreach (var w in claimed)
        {
            var read = (await (w.TenantId == "tenant-a" ? s.A : s.B).GetWebhookAsync(w.Id))!;
            Assert.Equal(WebhookStatus.Success, read.Status);
            Assert.Equal(s.Now, read.CompletedAt);
            Assert.Null(read.LockedUntil);
            Assert.Null(read.ClaimToken);
            Assert.Equal(1, read.Attempts);
        }
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    /// <summary>Three claims of one batch: one still held, one whose lease ran out and another worker took over, one whose
    /// lease ran out but nobody took (still processing under the caller's token: still held). Plus one deleted.</summary>
    private static async Task<(PendingWebhook Held, PendingWebhook TakenOver, PendingWebhook Lapsed, PendingWebhook Deleted,
        PendingWebhook Retaken)> MixedClaimsAsync(TestStorage s)
    {
        await s.A.EnqueueWebhookAsync(Make.Webhook(id: "wh-b-taken"));
        await s.A.EnqueueWebhookAsync(Make.Webhook(id: "wh-c-lapsed"));
        await s.A.EnqueueWebhookAsync(Make.Webhook(id: "wh-d-deleted"));
        var early = await s.A.DequeueWebhooksAsync(10);
        Assert.Equal(3, early.Count);
        s.Time.Advance(Visibility - TimeSpan.FromMinutes(1));
        await s.A.EnqueueWebhookAsync(Make.Webhook(id: "wh-a-held"));
        var held = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        s.Time.Advance(TimeSpan.FromMinutes(1));
        // The first three leases have run out; another worker takes the oldest over.
        var retaken = Assert.Single(await s.Storage.Default.DequeueWebhooksAsync(1));
        Assert.Equal("wh-b-taken", retaken.Id);
        await s.A.MarkWebhookSuccessAsync(early[2].Id, early[2].ClaimToken!);
        await s.A.RetryWebhookAsync(early[2].Id);
        await s.A.DeleteWebhookAsync(early[2].Id);
        return (held, early[0], early[1], early[2], retaken);
    }

    [Fact]
    public async Task MarkWebhooksSuccess_reports_the_claims_whose_lease_was_lost_and_leaves_them_unchanged()
    {
        await using var s = await OpenAsync();
        var (held, takenOver, lapsed, deleted, retaken) = await MixedClaimsAsync(s);
        var result = await s.A.MarkWebhooksSuccessAsync([takenOver, held, deleted, lapsed]);
        Assert.Equal(["wh-a-held", "wh-c-lapsed"], result.Acknowledged);
        Assert.Equal([takenOver, deleted], result.LeaseLost);
        Assert.Equal(WebhookStatus.Success, (await s.A.GetWebhookAsync(held.Id))!.Status);
        Assert.Equal(WebhookStatus.Success, (await s.A.GetWebhookAsync(lapsed.Id))!.Status);
        Assert.Equivalent(retaken, await s.A.GetWebhookAsync(takenOver.Id), strict: true);
        Assert.Null(await s.A.GetWebhookAsync(deleted.Id));
        // The worker that took it over still completes it.
        Assert.Equal([retaken.Id], (await s.A.MarkWebhooksSuccessAsync([retaken])).Acknowledged);
    }

    [Fact]
    public async Task MarkWebhooksSuccess_of_an_already_acknowledged_batch_reports_every_lease_lost()
    {
        await using var s = await OpenAsync();
        await s.A.EnqueueWebhookAsync(Make.Webhook());
        await s.A.EnqueueWebhookAsync(Make.Webhook());
        var claimed = await s.A.DequeueWebhooksAsync(10);
        Assert.Equal(2, (await s.A.MarkWebhooksSuccessAsync(claimed)).Acknowledged.Count);
        var again = await s.A.MarkWebhooksSuccessAsync(claimed);
        Assert.Empty(again.Acknowledged);
        Assert.Equal(claimed, again.LeaseLost);
    }

    [Fact]
    public async Task MarkWebhooksFailed_retries_or_dead_letters_each_held_claim_and_reports_the_lost_ones()
    {
        await using var s = await OpenAsync();
        var (held, takenOver, lapsed, deleted, retaken) = await MixedClaimsAsync(s);
        // wh-c-lapsed is on its last attempt: dead-lettered. wh-a-held goes back to pending at its next attempt.
        var last = await s.A.MarkWebhookProcessingAsync(await s.A.EnqueueWebhookAsync(Make.Webhook(id: "wh-e-last") with { MaxAttempts = 1 }));
        var next = s.Now.AddMinutes(5).AddTicks(7);
        var result = await s.A.MarkWebhooksFailedAsync(
        [
            new WebhookFailure(held, "HTTP 500", next),
            new WebhookFailure(takenOver, "timeout", next),
            new WebhookFailure(last, "HTTP 410", next),
            new WebhookFailure(deleted, "x", next),
            new WebhookFailure(lapsed, "HTTP 503", next.AddHours(1)),
        ]);
        Assert.Equal(["wh-a-held", "wh-e-last", "wh-c-lapsed"], result.Acknowledged);
        Assert.Equal([takenOver, deleted], result.LeaseLost);

        var retried = (await s.A.GetWebhookAsync(held.Id))!;
        Assert.Equal(WebhookStatus.Pending, retried.Status);
        Assert.Equal(StorageTime.Micro(next), retried.NextAttemptAt);
        Assert.Equal("HTTP 500", retried.LastError);
        Assert.Null(retried.ClaimToken);
        Assert.Null(retried.LockedUntil);
        Assert.Null(retried.CompletedAt);

        var dead = (await s.A.GetWebhookAsync(last.Id))!;
        Assert.Equal(WebhookStatus.Failed, dead.Status);
        Assert.Equal("HTTP 410", dead.LastError);
        Assert.Equal(s.Now, dead.CompletedAt);
        Assert.Null(dead.ClaimToken);

        Assert.Equal(WebhookStatus.Pending, (await s.A.GetWebhookAsync(lapsed.Id))!.Status);
        Assert.Equivalent(retaken, await s.A.GetWebhookAsync(takenOver.Id), strict: true);
    }

    [Fact]
    public async Task Batch_failures_dead_letter_a_webhook_at_its_max_attempts()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook() with { MaxAttempts = 3 });
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var claimed = Assert.Single(await s.A.DequeueWebhooksAsync(10));
            Assert.Equal(attempt, claimed.Attempts);
            Assert.Equal([id], (await s.A.MarkWebhooksFailedAsync([new WebhookFailure(claimed, $"fail {attempt}", s.Now)])).Acknowledged);
        }
        var read = (await s.A.GetWebhookAsync(id))!;
        Assert.Equal(WebhookStatus.Failed, read.Status);
        Assert.Equal("fail 3", read.LastError);
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
    }

    [Fact]
    public async Task Batch_acknowledgement_of_an_empty_batch_returns_an_empty_result()
    {
        await using var s = await OpenAsync();
        var success = await s.A.MarkWebhooksSuccessAsync([]);
        var failed = await s.A.MarkWebhooksFailedAsync([]);
        Assert.Empty(success.Acknowledged);
        Assert.Empty(success.LeaseLost);
        Assert.Empty(failed.Acknowledged);
        Assert.Empty(failed.LeaseLost);
    }

    [Theory]
    [InlineData("no claim token")]
    [InlineData("duplicate")]
    [InlineData("null item")]
    [InlineData("null list")]
    public async Task An_invalid_batch_acknowledgement_fails_with_Validation_and_changes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        await s.A.EnqueueWebhookAsync(Make.Webhook());
        await s.A.EnqueueWebhookAsync(Make.Webhook());
        var claimed = await s.A.DequeueWebhooksAsync(10);
        IReadOnlyList<PendingWebhook> batch = problem switch
        {
            "no claim token" => [claimed[0], claimed[1] with { ClaimToken = null }],
            "duplicate" => [claimed[0], claimed[1], claimed[0]],
            "null item" => [claimed[0], null!],
            _ => null!,
        };
        await ExpectKind.Validation(() => s.A.MarkWebhooksSuccessAsync(batch));
        await ExpectKind.Validation(() => s.A.MarkWebhooksFailedAsync(
            batch?.Select(w => new WebhookFailure(w, "x", s.Now)).ToArray()!));
        foreach (var w in claimed) Assert.Equivalent(w, await s.A.GetWebhookAsync(w.Id), strict: true);
    }

    [Fact]
    public async Task Batch_acknowledgement_joins_the_callers_transaction()
    {
        await using var s = await OpenAsync();
        await s.A.EnqueueWebhookAsync(Make.Webhook());
        await s.A.EnqueueWebhookAsync(Make.Webhook());
        var claimed = await s.A.DequeueWebhooksAsync(10);
        await Assert.ThrowsAsync<InvalidOperationException>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            Assert.Equal(2, (await tx.MarkWebhooksSuccessAsync(claimed, ct)).Acknowledged.Count);
            throw new InvalidOperationException("abort");
        }));
        foreach (var w in claimed) Assert.Equal(WebhookStatus.Processing, (await s.A.GetWebhookAsync(w.Id))!.Status);
        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.MarkWebhooksFailedAsync([new WebhookFailure(claimed[0], "x", s.Now.AddMinutes(1))], ct);
            await tx.MarkWebhooksSuccessAsync([claimed[1]], ct);
        });
        Assert.Equal(WebhookStatus.Pending, (await s.A.GetWebhookAsync(claimed[0].Id))!.Status);
        Assert.Equal(WebhookStatus.Success, (await s.A.GetWebhookAsync(claimed[1].Id))!.Status);
    }

    [Fact]
    public async Task Workers_draining_a_backlog_with_batch_acks_under_a_short_lease_acknowledge_each_webhook_exactly_once()
    {
        const int Backlog = 300, Workers = 8, BatchSize = 10;
        var lease = TimeSpan.FromSeconds(1);
        await using var s = await OpenAsync(o => o.Webhooks.VisibilityTimeout = lease);
        for (var i = 0; i < Backlog; i++) await (i % 2 == 0 ? s.A : s.B).EnqueueWebhookAsync(Make.Webhook());
        var acks = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var deliveries = 0;
        var lost = 0;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A stalled worker claims a batch first, and acknowledges it only after the others delivered everything (its
        // lease ran out and its webhooks were taken over): all of its claims must come back lease-lost.
        var stalled = await s.Storage.Default.DequeueWebhooksAsync(BatchSize);
        Assert.Equal(BatchSize, stalled.Count);
        deliveries += stalled.Count;

        async Task<bool> AckAsync(IReadOnlyList<PendingWebhook> batch)
        {
            var result = await s.Storage.Default.MarkWebhooksSuccessAsync(batch);
            foreach (var id in result.Acknowledged) acks.AddOrUpdate(id, 1, (_, n) => n + 1);
            Interlocked.Add(ref lost, result.LeaseLost.Count);
            Assert.Equal(batch.Count, result.Acknowledged.Count + result.LeaseLost.Count);
            if (acks.Count == Backlog) drained.TrySetResult();
            return true;
        }

        var outcomes = await Races.RunAsync(Workers, async worker =>
        {
            if (worker == 0)
            {
                await drained.Task.WaitAsync(TimeSpan.FromMinutes(2));
                var result = await s.Storage.Default.MarkWebhooksSuccessAsync(stalled);
                Assert.Empty(result.Acknowledged);
                Interlocked.Add(ref lost, result.LeaseLost.Count);
                return stalled.Count;
            }
            while (!drained.Task.IsCompleted)
            {
                var batch = await s.Storage.Default.DequeueWebhooksAsync(BatchSize);
                if (batch.Count == 0)
                {
                    // Nothing ready: time passes, so lapsed leases become claimable.
                    s.Time.Advance(lease / 4);
                    await Task.Yield();
                    continue;
                }
                Interlocked.Add(ref deliveries, batch.Count);
                if (worker % 3 == 0) s.Time.Advance(lease / 2); // a slow delivery: other workers' leases may run out
                await Task.Yield();
                await AckAsync(batch);
            }
            return 0;
        });
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(Backlog, acks.Count);
        Assert.All(acks, a => Assert.Equal(1, a.Value));
        Assert.True(lost >= BatchSize);
        Assert.Equal(Backlog + lost, deliveries);
        var a = await s.A.CountWebhooksByStatusAsync();
        var b = await s.B.CountWebhooksByStatusAsync();
        Assert.Equal(Backlog, a[WebhookStatus.Success] + b[WebhookStatus.Success]);
    }
}
