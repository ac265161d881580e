using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Cedros.Storage.AspNetCore;

/// <summary>
/// The tenant of the current HTTP request: the route value <see cref="CedrosStorageHttpOptions.TenantRouteValue"/>
/// when the matched route has it, else the header <see cref="CedrosStorageHttpOptions.TenantHeader"/>, else
/// <see cref="CedrosStorageHttpOptions.DefaultTenantId"/>. Register it with
/// <c>AddCedrosStorage(…).UseTenantAccessor&lt;HttpTenantAccessor&gt;()</c> and
/// <c>services.AddCedrosStorageAspNetCore()</c>.
/// </summary>
/// <remarks>
/// The id is checked with the core's rule (<see cref="TenantIds.IsValid"/>) before any storage is bound: an invalid or
/// missing tenant throws <see cref="InvalidTenantException"/> (a <see cref="StorageValidationException"/>), which the
/// exception handler of <c>AddCedrosStorageAspNetCore</c> answers with a 400 problem. Outside a request (no
/// <see cref="HttpContext"/>) the default tenant is answered, or the exception thrown when there is none.
/// </remarks>
public sealed class HttpTenantAccessor : ITenantAccessor
{
    private readonly IHttpContextAccessor _http;
    private readonly CedrosStorageHttpOptions _options;
    private string? _tenantId;

    /// <summary>Creates the accessor (scoped).</summary>
    public HttpTenantAccessor(IHttpContextAccessor httpContextAccessor, IOptions<CedrosStorageHttpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(httpContextAccessor);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpContextAccessor;
        _options = options.Value;
    }

    /// <inheritdoc />
    public string TenantId => _tenantId ??= Resolve(_http.HttpContext, _options);

    /// <summary>
    /// The tenant named by <paramref name="context"/> under <paramref name="options"/>; throws
    /// <see cref="InvalidTenantException"/> when it is invalid or missing without a default.
    /// </summary>
    public static string Resolve(HttpContext? context, CedrosStorageHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? candidate = null;
        if (context is not null)
        {
            if (!string.IsNullOrEmpty(options.TenantRouteValue)
                && context.GetRouteValue(options.TenantRouteValue) is { } routeValue)
                candidate = Convert.ToString(routeValue, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            else if (!string.IsNullOrEmpty(options.TenantHeader)
                && context.Request.Headers.TryGetValue(options.TenantHeader, out var values))
                candidate = values.Count == 1 ? values[0] ?? "" : "";
        }
        candidate ??= options.DefaultTenantId;
        if (candidate is null)
            throw new InvalidTenantException("a tenant is required (" + Where(options) + ").");
        return TenantIds.IsValid(candidate)
            ? candidate
            : throw new InvalidTenantException("tenant id must be 1-64 characters of [A-Za-z0-9_-] (" + Where(options) + ").");
    }

    private static string Where(CedrosStorageHttpOptions options) =>
        string.IsNullOrEmpty(options.TenantRouteValue) ? $"header {options.TenantHeader}"
        : string.IsNullOrEmpty(options.TenantHeader) ? $"route value {options.TenantRouteValue}"
        : $"header {options.TenantHeader} or route value {options.TenantRouteValue}";
}

/// <summary>The request names no tenant, or an invalid one; answered with 400 before any storage call.</summary>
public sealed class InvalidTenantException(string message) : StorageValidationException(message, "tenantId");
