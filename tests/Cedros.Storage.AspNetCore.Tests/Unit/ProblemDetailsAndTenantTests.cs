using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cedros.Storage.AspNetCore.Tests.Unit;

public sealed class ProblemDetailsAndTenantTests
{
    public static TheoryData<StorageException, int, string> Cases => new()
    {
        { new StorageNotFoundException("order", "o-1"), 404, "not_found" },
        { new StorageConflictException("order 'o-1' is not in status paid."), 409, "conflict" },
        { new PaymentReplayException(["sig-1"]), 409, "conflict" },
        { new NonceException("n-1", NonceFailureReason.AlreadyConsumed), 409, "conflict" },
        { new NonceException("n-1", NonceFailureReason.NotFound), 404, "not_found" },
        { new NonceException("n-1", NonceFailureReason.Expired), 410, "expired" },
        { new NonceException("n-1", NonceFailureReason.WrongPurpose), 400, "validation" },
        { new StorageValidationException("amount must not be negative.", "amount"), 400, "validation" },
        { new StorageExpiredException("cart 'c' has expired."), 410, "expired" },
        { new StorageLimitReachedException("coupon 'SAVE10' reached its usage limit."), 422, "limit_reached" },
        { new StorageUnavailableException("timeout"), 503, "unavailable" },
        { new StorageException(StorageErrorKind.Internal, "boom"), 500, "internal" },
        { new StorageConfigurationException("storage.postgres.connection_string", "password authentication failed"), 500, "validation" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_kind_has_its_status(StorageException exception, int status, string kind)
    {
        var problem = StorageProblemDetails.Create(exception);

        Assert.Equal(status, StorageProblemDetails.StatusCodeOf(exception));
        Assert.Equal(status, problem.Status);
        Assert.Equal(kind, problem.Extensions["kind"]);
        if (status >= 500)
            Assert.DoesNotContain(exception.Message, problem.Detail, StringComparison.Ordinal);   // never leak internals
        else
            Assert.Equal(exception.Message, problem.Detail);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Thrown_storage_exceptions_are_answered_as_problems(StorageException exception, int status, string kind)
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/throw", IResult () => throw exception));

        var response = await app.Client.GetAsync("/throw");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(kind, problem.GetProperty("kind").GetString());
        Assert.Equal(status == 503, response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Tenant_from_route_value_wins_over_header_then_default()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/t/{tenantId}/who", (ITenantStorage store) => store.TenantId);
            a.MapGet("/who", (ITenantStorage store) => store.TenantId);
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/t/acme/who");
        request.Headers.Add("X-Tenant-Id", "globex");

        Assert.Equal("acme", await (await app.Client.SendAsync(request)).Content.ReadAsStringAsync());
        using var header = new HttpRequestMessage(HttpMethod.Get, "/who");
        header.Headers.Add("X-Tenant-Id", "globex");
        Assert.Equal("globex", await (await app.Client.SendAsync(header)).Content.ReadAsStringAsync());
        Assert.Equal(TenantIds.Default, await app.Client.GetStringAsync("/who"));
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client.GetAsync("/t/not%20valid/who")).StatusCode);
    }

    [Fact]
    public async Task Tenant_required_when_there_is_no_default()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/who", (ITenantStorage store) => store.TenantId),
            http: o => o.DefaultTenantId = null);

        var response = await app.Client.GetAsync("/who");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("tenantId", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("acme\n")]
    [InlineData("")]
    [InlineData("a b")]
    public void Accessor_refuses_what_the_core_refuses(string tenant)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Tenant-Id"] = tenant;

        Assert.Throws<InvalidTenantException>(() => HttpTenantAccessor.Resolve(context, new CedrosStorageHttpOptions()));
        Assert.False(TenantIds.IsValid(tenant));
    }
}
