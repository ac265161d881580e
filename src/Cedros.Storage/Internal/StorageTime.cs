namespace Cedros.Storage.Internal;

/// <summary>Time helpers shared by every backend.</summary>
internal static class StorageTime
{
    /// <summary>Truncates to whole microseconds in UTC: what every backend stores and reads back.</summary>
    public static DateTimeOffset Micro(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>Nullable form of <see cref="Micro(DateTimeOffset)"/>.</summary>
    public static DateTimeOffset? Micro(DateTimeOffset? value) => value is { } v ? Micro(v) : null;

    /// <summary>The provider's now, truncated to microseconds.</summary>
    public static DateTimeOffset Now(TimeProvider time) => Micro(time.GetUtcNow());

    /// <summary>Microseconds since the Unix epoch (SQLite stores instants as this integer).</summary>
    public static long ToUnixMicros(DateTimeOffset value) => (Micro(value).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>Inverse of <see cref="ToUnixMicros"/>.</summary>
    public static DateTimeOffset FromUnixMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);
}
