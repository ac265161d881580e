namespace Cedros.Storage.AspNetCore;

/// <summary>
/// Options of the ASP.NET Core integration (<c>services.AddCedrosStorageAspNetCore(o =&gt; …)</c>): where
/// <see cref="HttpTenantAccessor"/> finds the tenant, and what <c>Retry-After</c> a 503 carries.
/// </summary>
public sealed class CedrosStorageHttpOptions
{
    /// <summary>The request header naming the tenant (default <c>X-Tenant-Id</c>); null or empty: no header.</summary>
    public string? TenantHeader { get; set; } = "X-Tenant-Id";

    /// <summary>
    /// The route value naming the tenant (default <c>tenantId</c>, e.g. <c>/t/{tenantId}/orders</c>); it wins over the
    /// header when the matched route has it. Null or empty: routes are not looked at.
    /// </summary>
    public string? TenantRouteValue { get; set; } = "tenantId";

    /// <summary>
    /// The tenant of a request that names none (default <c>default</c>). Null: a request without a tenant is refused
    /// with 400.
    /// </summary>
    public string? DefaultTenantId { get; set; } = TenantIds.Default;

    /// <summary>The <c>Retry-After</c> of a 503 answered for <see cref="StorageErrorKind.Unavailable"/> (default 1 s).</summary>
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
