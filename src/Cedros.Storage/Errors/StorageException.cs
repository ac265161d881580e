namespace Cedros.Storage;

/// <summary>The one exception type of the storage layer. Driver exceptions never escape raw.</summary>
public class StorageException : Exception
{
    /// <summary>Creates an exception of a kind.</summary>
    public StorageException(StorageErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    /// <summary>What went wrong.</summary>
    public StorageErrorKind Kind { get; }

    /// <summary>True only for <see cref="StorageErrorKind.Unavailable"/>: the same call may succeed if retried.</summary>
    public bool IsTransient => Kind == StorageErrorKind.Unavailable;
}

/// <summary>The target of a mutation does not exist.</summary>
public class StorageNotFoundException(string entity, string id)
    : StorageException(StorageErrorKind.NotFound, $"{entity} '{id}' was not found.")
{
    /// <summary>Entity name, e.g. <c>order</c>.</summary>
    public string Entity { get; } = entity;
    /// <summary>The id looked for.</summary>
    public string Id { get; } = id;
}

/// <summary>The write contradicts stored state.</summary>
public class StorageConflictException(string message, Exception? innerException = null)
    : StorageException(StorageErrorKind.Conflict, message, innerException);

/// <summary>The input breaks a rule; nothing was written.</summary>
public class StorageValidationException(string message, string? field = null, int? itemIndex = null)
    : StorageException(StorageErrorKind.Validation, itemIndex is null ? message : $"item {itemIndex}: {message}")
{
    /// <summary>The offending field, when known.</summary>
    public string? Field { get; } = field;
    /// <summary>Index of the offending item in a batch, when the call was a batch.</summary>
    public int? ItemIndex { get; } = itemIndex;
}

/// <summary>A limit (coupon usage, stock) would be exceeded; nothing changed.</summary>
public class StorageLimitReachedException(string message)
    : StorageException(StorageErrorKind.LimitReached, message);

/// <summary>The target has expired.</summary>
public class StorageExpiredException(string message)
    : StorageException(StorageErrorKind.Expired, message);

/// <summary>The database could not be reached or stayed busy; safe to retry.</summary>
public class StorageUnavailableException(string message, Exception? innerException = null)
    : StorageException(StorageErrorKind.Unavailable, message, innerException);

/// <summary>A payment signature was already recorded (in some tenant). Nothing was written.</summary>
public sealed class PaymentReplayException(IReadOnlyList<string> signatures)
    : StorageConflictException(signatures.Count == 1
        ? $"payment signature '{signatures[0]}' was already processed."
        : $"payment signatures already processed: {string.Join(", ", signatures.Select(s => $"'{s}'"))}.")
{
    /// <summary>The offending signatures.</summary>
    public IReadOnlyList<string> Signatures { get; } = signatures;
}

/// <summary>A nonce could not be consumed.</summary>
public sealed class NonceException(string nonceId, NonceFailureReason reason)
    : StorageException(KindOf(reason), $"admin nonce '{nonceId}' {Describe(reason)}.")
{
    /// <summary>The nonce id.</summary>
    public string NonceId { get; } = nonceId;
    /// <summary>Why it failed.</summary>
    public NonceFailureReason Reason { get; } = reason;

    private static StorageErrorKind KindOf(NonceFailureReason reason) => reason switch
    {
        NonceFailureReason.NotFound => StorageErrorKind.NotFound,
        NonceFailureReason.Expired => StorageErrorKind.Expired,
        NonceFailureReason.WrongPurpose => StorageErrorKind.Validation,
        _ => StorageErrorKind.Conflict,
    };

    private static string Describe(NonceFailureReason reason) => reason switch
    {
        NonceFailureReason.NotFound => "was not found",
        NonceFailureReason.AlreadyConsumed => "was already consumed",
        NonceFailureReason.Expired => "has expired",
        _ => "was issued for another purpose",
    };
}
