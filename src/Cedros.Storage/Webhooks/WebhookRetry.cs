namespace Cedros.Storage.Webhooks;

/// <summary>Computes when a failed webhook should be tried again.</summary>
public static class WebhookRetry
{
    /// <summary>The preset schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h (the last repeats).</summary>
    public static IReadOnlyList<TimeSpan> DefaultSchedule { get; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10),
    ];

    /// <summary>Delay after attempt number <paramref name="attempts"/> (1-based) from a schedule; the last step repeats.</summary>
    public static TimeSpan FromSchedule(int attempts, IReadOnlyList<TimeSpan>? schedule = null)
    {
        schedule ??= DefaultSchedule;
        ArgumentOutOfRangeException.ThrowIfZero(schedule.Count);
        var index = Math.Clamp(attempts - 1, 0, schedule.Count - 1);
        return schedule[index];
    }

    /// <summary>
    /// Exponential backoff with full jitter: a uniform delay in [0, min(cap, base·2^(attempts−1))].
    /// </summary>
    public static TimeSpan ExponentialWithJitter(int attempts, TimeSpan baseDelay, TimeSpan cap, Random? random = null)
    {
        var ceiling = ExponentialCeiling(attempts, baseDelay, cap);
        var fraction = (random ?? Random.Shared).NextDouble();
        return TimeSpan.FromTicks((long)(ceiling.Ticks * fraction));
    }

    /// <summary>The jitter-free ceiling min(cap, base·2^(attempts−1)).</summary>
    public static TimeSpan ExponentialCeiling(int attempts, TimeSpan baseDelay, TimeSpan cap)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 62);
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>True when a webhook with these counts is dead-lettered on failure instead of retried.</summary>
    public static bool IsExhausted(int attempts, int maxAttempts) => attempts >= maxAttempts;
}
