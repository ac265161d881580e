using Cedros.Storage.Internal;

namespace Cedros.Storage.Validation;

/// <summary>
/// Argument checks (and normalisation) of update and query methods whose arguments are not a whole record, so that
/// every backend rejects and reads them the same way before it touches storage.
/// </summary>
internal static class PrepareArguments
{
    /// <summary>
    /// Checks the arguments of <c>ListOrdersFilteredAsync</c> and returns the search text to match: trimmed, or null
    /// when it is empty (no text filter).
    /// </summary>
    public static string? OrderFilter(OrderStatus? status, string? search, int limit, int offset)
    {
        Check.Page(limit, offset);
        if (status is { } s) Check.Defined(s, "status");
        var needle = search?.Trim();
        if (string.IsNullOrEmpty(needle)) return null;
        Check.Text(needle, "search");
        return needle;
    }

    /// <summary>Checks the arguments of <c>UpdateFulfillmentStatusAsync</c>.</summary>
    public static void FulfillmentStatus(string fulfillmentId, FulfillmentStatus status, string? trackingNumber, string? trackingUrl,
        string? carrier)
    {
        Check.Id(fulfillmentId, "fulfillment id");
        Check.Defined(status, "status");
        Check.Text(trackingNumber, "tracking_number");
        Check.Text(trackingUrl, "tracking_url");
        Check.Text(carrier, "carrier");
    }

    /// <summary>Checks the arguments of <c>ExtendPeriodAsync</c>; returns the new period truncated to microseconds.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) ExtendPeriod(string id, DateTimeOffset newStart, DateTimeOffset newEnd)
    {
        Check.Id(id, "subscription id");
        var start = StorageTime.Micro(newStart);
        var end = StorageTime.Micro(newEnd);
        if (end <= start) throw new StorageValidationException("the new period end must be after its start.", "new_end");
        return (start, end);
    }

    /// <summary>
    /// The LimitReached error of <c>IncrementUsageAsync</c>: the coupon's usage limit, or — with no limit — the largest
    /// count an <c>int</c> holds (the count never wraps around or overflows a column).
    /// </summary>
    public static StorageLimitReachedException UsageExhausted(string code, int? limit) => limit is { } l
        ? new($"coupon '{code}' reached its usage limit of {l}.")
        : new($"coupon '{code}' reached the largest usage count ({int.MaxValue}).");
}
