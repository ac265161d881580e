namespace Cedros.Storage;

/// <summary>A cached HTTP response for an idempotency key.</summary>
public sealed record IdempotencyResponse
{
    /// <summary>HTTP status.</summary>
    public int StatusCode { get; init; }
    /// <summary>Response headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = EmptyMetadata.Instance;
    /// <summary>Response body (≤ 1 MiB).</summary>
    public byte[] Body { get; init; } = [];
    /// <summary>When cached.</summary>
    public DateTimeOffset CachedAt { get; init; }
}

/// <summary>Outcome of <see cref="IIdempotencyStore.TryBeginIdempotentRequestAsync"/>.</summary>
public enum IdempotencyBeginOutcome
{
    /// <summary>The caller owns the key and must complete or release it.</summary>
    Started,
    /// <summary>Another request holds the key's lock.</summary>
    InProgress,
    /// <summary>A response is cached; replay it.</summary>
    Completed,
    /// <summary>The key was used with a different request.</summary>
    FingerprintMismatch,
}

/// <summary>Result of beginning an idempotent request.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="LockToken">Set when <see cref="IdempotencyBeginOutcome.Started"/>.</param>
/// <param name="Response">Set when <see cref="IdempotencyBeginOutcome.Completed"/>.</param>
public sealed record IdempotencyBeginResult(IdempotencyBeginOutcome Outcome, string? LockToken = null, IdempotencyResponse? Response = null)
{
    /// <summary>The caller owns the key.</summary>
    public static IdempotencyBeginResult Started(string lockToken) => new(IdempotencyBeginOutcome.Started, lockToken);
    /// <summary>Another caller owns the key.</summary>
    public static IdempotencyBeginResult InProgress { get; } = new(IdempotencyBeginOutcome.InProgress);
    /// <summary>A cached response exists.</summary>
    public static IdempotencyBeginResult Completed(IdempotencyResponse response) => new(IdempotencyBeginOutcome.Completed, null, response);
    /// <summary>The key belongs to a different request.</summary>
    public static IdempotencyBeginResult FingerprintMismatch { get; } = new(IdempotencyBeginOutcome.FingerprintMismatch);
}
