using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cedros.Storage.AspNetCore.Tests.Unit;

public sealed class IdempotencyFilterTests
{
    private int _runs;

    private Task<TestApp> StartAsync(Func<HttpContext, Task<IResult>> handler, bool required = false, bool useCedrosStorage = true) =>
        TestApp.StartAsync(app => app.MapPost("/do", async (HttpContext http, ITenantStorage _) =>
        {
            Interlocked.Increment(ref _runs);
            return await handler(http);
        }).WithIdempotency(o => o.Required = required), useCedrosStorage);

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, object body, string? key, string tenant = "acme")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/do") { Content = JsonContent.Create(body) };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        request.Headers.Add("X-Tenant-Id", tenant);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task Completed_response_is_replayed_with_status_headers_and_body()
    {
        await using var app = await StartAsync(http =>
        {
            http.Response.Headers["X-Order"] = "o-1";
            return Task.FromResult<IResult>(TypedResults.Created("/orders/o-1", new { id = "o-1", run = _runs }));
        });

        var first = await PostAsync(app.Client, new { a = 1 }, "k");
        var second = await PostAsync(app.Client, new { a = 1 }, "k");

        Assert.Equal(1, _runs);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.False(first.Headers.Contains(IdempotencyOptions.ReplayedHeader));
        Assert.Equal("true", second.Headers.GetValues(IdempotencyOptions.ReplayedHeader).Single());
        Assert.Equal("o-1", second.Headers.GetValues("X-Order").Single());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Plain_return_values_are_stored_as_the_framework_writes_them()
    {
        await using var app = await TestApp.StartAsync(a => a.MapPost("/do", (ITenantStorage _) =>
        {
            Interlocked.Increment(ref _runs);
            return new { ok = true };
        }).WithIdempotency());

        var first = await PostAsync(app.Client, new { }, "k");
        var second = await PostAsync(app.Client, new { }, "k");

        Assert.Equal(1, _runs);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("{\"ok\":true}", await first.Content.ReadAsStringAsync());
        Assert.Equal("{\"ok\":true}", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Different_body_path_or_tenant_with_the_same_key()
    {
        await using var app = await StartAsync(_ => Task.FromResult<IResult>(TypedResults.Ok()));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(app.Client, new { a = 1 }, "k")).StatusCode);

        var otherBody = await PostAsync(app.Client, new { a = 2 }, "k");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Equal("application/problem+json", otherBody.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, _runs);

        // Keys are per tenant: another tenant's request with the same key is its own.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(app.Client, new { a = 2 }, "k", tenant: "globex")).StatusCode);
        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task Server_error_and_exception_release_the_key()
    {
        var fail = true;
        await using var app = await StartAsync(_ => fail
            ? Task.FromResult<IResult>(TypedResults.StatusCode(StatusCodes.Status502BadGateway))
            : Task.FromResult<IResult>(TypedResults.Ok("done")));

        Assert.Equal(HttpStatusCode.BadGateway, (await PostAsync(app.Client, new { }, "k")).StatusCode);
        fail = false;
        var retried = await PostAsync(app.Client, new { }, "k");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.False(retried.Headers.Contains(IdempotencyOptions.ReplayedHeader));
        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task Throwing_handler_releases_the_key_and_its_storage_error_becomes_a_problem()
    {
        var fail = true;
        await using var app = await StartAsync(_ => fail
            ? throw new StorageUnavailableException("database busy")
            : Task.FromResult<IResult>(TypedResults.Ok("done")));

        var failed = await PostAsync(app.Client, new { }, "k");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("1", failed.Headers.GetValues("Retry-After").Single());
        fail = false;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(app.Client, new { }, "k")).StatusCode);
        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task A_request_while_the_first_runs_gets_409()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        await using var app = await StartAsync(async _ =>
        {
            started.TrySetResult();
            await release.Task;
            return TypedResults.Ok();
        });

        var first = PostAsync(app.Client, new { }, "k");
        await started.Task;
        var second = await PostAsync(app.Client, new { }, "k");
        release.SetResult();

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task Key_optional_or_required()
    {
        await using (var optional = await StartAsync(_ => Task.FromResult<IResult>(TypedResults.Ok())))
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(optional.Client, new { }, null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(optional.Client, new { }, null)).StatusCode);
            Assert.Equal(2, _runs);
        }
        await using var required = await StartAsync(_ => Task.FromResult<IResult>(TypedResults.Ok()), required: true);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(required.Client, new { }, null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(required.Client, new { }, new string('k', 256))).StatusCode);
        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task Without_UseCedrosStorage_a_body_cannot_be_fingerprinted_and_nothing_runs()
    {
        await using var app = await StartAsync(_ => Task.FromResult<IResult>(TypedResults.Ok()), useCedrosStorage: false);

        // The test server hands the unhandled exception to the caller (a real server answers 500).
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostAsync(app.Client, new { a = 1 }, "k"));

        Assert.Contains("UseCedrosStorage", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _runs);
    }

    [Fact]
    public async Task Bad_options_fail_when_the_endpoint_is_mapped()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TestApp.StartAsync(a =>
            a.MapPost("/do", () => "x").WithIdempotency(o => o.LockTtl = TimeSpan.Zero)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TestApp.StartAsync(a =>
            a.MapPost("/do", () => "x").WithIdempotency(o => o.LockTtl = TimeSpan.FromDays(2))));
        await Assert.ThrowsAsync<ArgumentException>(() => TestApp.StartAsync(a =>
            a.MapPost("/do", () => "x").WithIdempotency(o => o.HeaderName = " ")));
    }
}
