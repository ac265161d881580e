namespace Cedros.Storage.Internal;

/// <summary>Id and token generation shared by every backend.</summary>
internal static class Ids
{
    /// <summary>A time-sortable id (UUIDv7, lower-case, no braces).</summary>
    public static string NewSortableId(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow()).ToString();

    /// <summary>An unguessable token for claims and locks.</summary>
    public static string NewToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
