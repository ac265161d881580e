namespace Cedros.Storage.AspNetCore;

/// <summary>Options of one endpoint's idempotency (<c>.WithIdempotency(o =&gt; …)</c>).</summary>
public sealed class IdempotencyOptions
{
    /// <summary>The header a replayed response carries, with the value <c>true</c> (as Stripe does).</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The request header carrying the key (default <c>Idempotency-Key</c>).</summary>
    public string HeaderName { get; set; } = "Idempotency-Key";

    /// <summary>True: a request without the key is refused with 400. False (default): it runs without idempotency.</summary>
    public bool Required { get; set; }

    /// <summary>
    /// How long a running request holds its key (default 1 minute): a request that crashed blocks its key only this
    /// long; a request still running after it may lose the key to a retry (its response is then not stored).
    /// </summary>
    public TimeSpan LockTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a completed response is replayed (default 24 hours).</summary>
    public TimeSpan ResponseTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether a completed response with this status is stored and replayed (default: every status below 500). A
    /// response that is not stored releases the key, so the client may retry with it.
    /// </summary>
    public Func<int, bool> ShouldStore { get; set; } = static status => status < 500;
}
