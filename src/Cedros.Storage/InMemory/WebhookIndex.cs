using System.Collections.Immutable;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

/// <summary>
/// The claimable webhooks in index order, as the SQL backends' ready and lease indexes: pending ones by
/// (next_attempt_at, id), processing ones by (locked_until, id). A claim reads the first few entries instead of every
/// webhook ever queued. Immutable like the tables, so a snapshot and a rollback carry it along.
/// </summary>
internal sealed record WebhookIndex(ImmutableSortedSet<(DateTimeOffset At, string Id)> Pending, ImmutableSortedSet<(DateTimeOffset At, string Id)> Leased)
{
    private static readonly IComparer<(DateTimeOffset At, string Id)> Order = Comparer<(DateTimeOffset At, string Id)>.Create(
        (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : Utf8Order.Instance.Compare(a.Id, b.Id));

    public static WebhookIndex Empty { get; } = new(ImmutableSortedSet.Create(Order), ImmutableSortedSet.Create(Order));

    /// <summary>The index after <paramref name="ids"/> changed from their rows in <paramref name="before"/> to those in
    /// <paramref name="after"/> (absent = deleted).</summary>
    public WebhookIndex Sync(ImmutableDictionary<string, PendingWebhook> before, ImmutableDictionary<string, PendingWebhook> after,
        IEnumerable<string> ids)
    {
        var pending = Pending.ToBuilder();
        var leased = Leased.ToBuilder();
        foreach (var id in ids)
        {
            var old = before.GetValueOrDefault(id);
            var now = after.GetValueOrDefault(id);
            if (ReferenceEquals(old, now)) continue;
            if (PendingKey(old) is { } p) pending.Remove(p);
            if (LeaseKey(old) is { } l) leased.Remove(l);
            if (PendingKey(now) is { } np) pending.Add(np);
            if (LeaseKey(now) is { } nl) leased.Add(nl);
        }
        return new WebhookIndex(pending.ToImmutable(), leased.ToImmutable());
    }

    /// <summary>Every webhook due at <paramref name="now"/> that a claim of <paramref name="limit"/> could take: the first
    /// <paramref name="limit"/> due pending ones and every lapsed lease (the caller orders and cuts).</summary>
    public IEnumerable<string> Candidates(DateTimeOffset now, int limit) =>
        Pending.TakeWhile(k => k.At <= now).Take(limit).Concat(Leased.TakeWhile(k => k.At <= now)).Select(k => k.Id);

    private static (DateTimeOffset, string)? PendingKey(PendingWebhook? w) =>
        w is { Status: WebhookStatus.Pending, NextAttemptAt: { } at } ? (at, w.Id) : null;

    private static (DateTimeOffset, string)? LeaseKey(PendingWebhook? w) =>
        w is { Status: WebhookStatus.Processing, LockedUntil: { } until } ? (until, w.Id) : null;
}
