namespace Cedros.Storage;

/// <summary>Input limits enforced before any write, identical on every backend.</summary>
internal static class Limits
{
    /// <summary>Maximum id length.</summary>
    public const int MaxIdLength = 255;
    /// <summary>Maximum length of a text field (4 KiB).</summary>
    public const int MaxTextLength = 4096;
    /// <summary>Maximum size of a JSON document or response body (1 MiB).</summary>
    public const int MaxDocumentBytes = 1024 * 1024;
    /// <summary>Maximum items in a batch.</summary>
    public const int MaxBatchItems = 10_000;
    /// <summary>Maximum page size.</summary>
    public const int MaxPageSize = 1000;
    /// <summary>Longest time to live of a stored response (idempotency <c>ttl</c>): 10 years.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(3650);
    /// <summary>Longest lock or lease (idempotency <c>lockTtl</c>, refund payout <c>leaseTtl</c>, webhook visibility timeout): 1 day.</summary>
    public static readonly TimeSpan MaxLeaseTtl = TimeSpan.FromDays(1);
    /// <summary>Maximum coupon code length.</summary>
    public const int MaxCouponCodeLength = 64;
}
