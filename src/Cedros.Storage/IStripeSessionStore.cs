namespace Cedros.Storage;

/// <summary>Stripe checkout sessions (contract §15).</summary>
public interface IStripeSessionStore
{
    /// <summary>Upserts; saving over a completed session → Conflict.</summary>
    Task SaveStripeSessionAsync(StripeSession session, CancellationToken cancellationToken = default);

    /// <summary>The session, or null.</summary>
    Task<StripeSession?> GetStripeSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>True the first time; false if already completed; expired → Conflict; missing → NotFound. Atomic.</summary>
    Task<bool> CompleteStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken = default);

    /// <summary>A resource's sessions, newest first, optionally by status.</summary>
    Task<IReadOnlyList<StripeSession>> ListStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit,
        CancellationToken cancellationToken = default);

    /// <summary>Moves pending sessions created before the cutoff to expired (this tenant); returns the count.</summary>
    Task<long> ExpireStripeSessionsAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default);
}
