namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>Stripe checkout sessions, database side (contract §15). Sessions arrive prepared, ids checked.</summary>
internal interface IStripeSessionDriver
{
    /// <summary>Upserts the session unless the stored one is completed, in one atomic step; false when it is (nothing changed).</summary>
    Task<bool> UpsertStripeSessionUnlessCompletedAsync(StripeSession session, CancellationToken cancellationToken);

    /// <summary>The session, or null.</summary>
    Task<StripeSession?> FindStripeSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>In one atomic step, completes the session at <paramref name="completedAt"/> when it is pending; when
    /// nothing changed, reports its status as it was (null: no such session).</summary>
    Task<StripeSessionCompletion> CompletePendingStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken);

    /// <summary>The resource's sessions (optionally only those with <paramref name="status"/>), newest first, then by id
    /// descending (ordinal), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StripeSession>> SelectStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit,
        CancellationToken cancellationToken);

    /// <summary>Sets this tenant's pending sessions created before <paramref name="cutoff"/> to expired, in one atomic
    /// step; returns how many.</summary>
    Task<long> ExpirePendingStripeSessionsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IStripeSessionDriver.CompletePendingStripeSessionAsync"/>.</summary>
internal readonly record struct StripeSessionCompletion(bool Completed, StripeSessionStatus? StatusWas)
{
    public static StripeSessionCompletion Done => new(true, StripeSessionStatus.Pending);
}
