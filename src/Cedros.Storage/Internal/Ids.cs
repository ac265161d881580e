namespace Cedros.Storage.Internal;

/// <summary>Id and token generation shared by every backend.</summary>
internal static class Ids
{
    /// <summary>A time-sortable id (UUIDv7, lower-case, no braces).</summary>
    public static string NewSortableId(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow()).ToString();

    /// <summary>An unguessable token for claims and locks: 32 lower-case hex digits holding a version 4 UUID's 122 random
    /// bits, which .NET draws from the operating system's cryptographically secure generator on every platform.
    /// <c>RandomNumberGenerator.GetBytes</c> went through OpenSSL's DRBG on Linux: an idempotency request cost ~20 µs
    /// more client CPU with it (docs/decisions.md).</summary>
    public static string NewToken() => Guid.NewGuid().ToString("N");
}
