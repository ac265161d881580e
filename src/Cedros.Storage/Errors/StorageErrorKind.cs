namespace Cedros.Storage;

/// <summary>What went wrong, for callers that branch on it.</summary>
public enum StorageErrorKind
{
    /// <summary>The target of a mutation does not exist.</summary>
    NotFound,
    /// <summary>The write contradicts stored state (duplicate, immutable, wrong state, lost claim).</summary>
    Conflict,
    /// <summary>The input breaks a rule; nothing was written.</summary>
    Validation,
    /// <summary>The target has expired.</summary>
    Expired,
    /// <summary>A limit (usage, stock) would be exceeded.</summary>
    LimitReached,
    /// <summary>Transient: connection refused or dropped, timeout, busy database, serialization failure after retries.
    /// Safe to retry.</summary>
    Unavailable,
    /// <summary>A bug or an unexpected database error.</summary>
    Internal,
}
