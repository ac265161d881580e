using System.Text.RegularExpressions;

namespace Cedros.Storage;

/// <summary>Tenant id rules.</summary>
public static partial class TenantIds
{
    /// <summary>The default tenant.</summary>
    public const string Default = "default";

    /// <summary>True for 1–64 chars of <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsValid(string? tenantId) => tenantId is not null && Pattern().IsMatch(tenantId);

    /// <summary>Returns the id, or throws Validation.</summary>
    public static string Require(string? tenantId) => IsValid(tenantId)
        ? tenantId!
        : throw new StorageValidationException("tenant id must be 1-64 characters of [A-Za-z0-9_-].", "tenantId");

    // \z, not $: "$" also matches before a final "\n", which would let "acme\n" through.
    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Supplies the current request's tenant (scoped in DI; default: <c>default</c>).</summary>
public interface ITenantAccessor
{
    /// <summary>The tenant of the current scope.</summary>
    string TenantId { get; }
}

/// <summary>An accessor that always answers one tenant.</summary>
/// <param name="tenantId">The tenant.</param>
public sealed class FixedTenantAccessor(string tenantId = TenantIds.Default) : ITenantAccessor
{
    /// <inheritdoc />
    public string TenantId { get; } = TenantIds.Require(tenantId);
}
