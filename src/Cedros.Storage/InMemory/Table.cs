using System.Collections.Immutable;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

/// <summary>
/// The shapes every in-memory table operation shares, over one immutable keyed table of <see cref="InMemoryTables"/>
/// passed by reference (the operation puts the new table back). They run inside the engine's lock, like the SQL
/// backends' single statements: insert unless the key is taken, change one row, upsert a batch unless a row forbids it,
/// change or delete the rows that match (in batches), and list in the backends' one order (created, then id ordinal).
/// </summary>
internal static class Table
{
    /// <summary>Inserts <paramref name="row"/> unless <paramref name="key"/> is taken (ON CONFLICT DO NOTHING).</summary>
    public static bool TryAdd<TKey, T>(ref ImmutableDictionary<TKey, T> table, TKey key, T row) where TKey : notnull
    {
        if (table.ContainsKey(key)) return false;
        table = table.Add(key, row);
        return true;
    }

    /// <summary>Replaces the row at <paramref name="key"/> by <paramref name="change"/> of it; the new row, or null when absent.</summary>
    public static T? Update<TKey, T>(ref ImmutableDictionary<TKey, T> table, TKey key, Func<T, T> change)
        where TKey : notnull where T : class =>
        ChangeIf<TKey, T, T?>(ref table, key, _ => true, change, null, _ => null, next => next);

    /// <summary>Deletes the row at <paramref name="key"/> when <paramref name="allowed"/> of it (DELETE … WHERE); whether it did.</summary>
    public static bool RemoveIf<TKey, T>(ref ImmutableDictionary<TKey, T> table, TKey key, Func<T, bool> allowed) where TKey : notnull
    {
        if (!table.TryGetValue(key, out var row) || !allowed(row)) return false;
        table = table.Remove(key);
        return true;
    }

    /// <summary>
    /// One conditional change of the row at <paramref name="key"/>, as a SQL backend's conditional UPDATE: when absent,
    /// <paramref name="absent"/>; when <paramref name="allowed"/> refuses it, <paramref name="refused"/> of the row as it is;
    /// else the row becomes <paramref name="change"/> of it and the outcome is <paramref name="done"/> of the new row.
    /// </summary>
    public static TOut ChangeIf<TKey, T, TOut>(ref ImmutableDictionary<TKey, T> table, TKey key, Func<T, bool> allowed, Func<T, T> change,
        TOut absent, Func<T, TOut> refused, Func<T, TOut> done) where TKey : notnull
    {
        if (!table.TryGetValue(key, out var row)) return absent;
        if (!allowed(row)) return refused(row);
        var next = change(row);
        table = table.SetItem(key, next);
        return done(next);
    }

    /// <summary>This tenant's rows of a table keyed by (tenant, id).</summary>
    public static IEnumerable<T> OfTenant<T>(ImmutableDictionary<(string Tenant, string Id), T> table, string tenantId) =>
        table.Where(p => p.Key.Tenant == tenantId).Select(p => p.Value);

    /// <summary>Upserts every row unless the stored row of one is <paramref name="locked"/>: then nothing is written and
    /// that row's index is returned; -1 when all were written.</summary>
    public static int UpsertAllUnless<TKey, T>(ref ImmutableDictionary<TKey, T> table, IReadOnlyList<T> rows, Func<T, TKey> key,
        Func<T, bool> locked) where TKey : notnull
    {
        for (var i = 0; i < rows.Count; i++)
            if (table.TryGetValue(key(rows[i]), out var stored) && locked(stored)) return i;
        table = table.SetItems(rows.Select(r => KeyValuePair.Create(key(r), r)));
        return -1;
    }

    /// <summary>Changes at most <paramref name="limit"/> rows that match; how many.</summary>
    public static int UpdateWhere<TKey, T>(ref ImmutableDictionary<TKey, T> table, Func<T, bool> match, Func<T, T> change,
        int limit = int.MaxValue) where TKey : notnull
    {
        var batch = table.Where(p => match(p.Value)).Take(limit).ToArray();
        table = table.SetItems(batch.Select(p => KeyValuePair.Create(p.Key, change(p.Value))));
        return batch.Length;
    }

    /// <summary>Deletes at most <paramref name="limit"/> rows that match (one housekeeping batch); how many.</summary>
    public static int RemoveWhere<TKey, T>(ref ImmutableDictionary<TKey, T> table, Func<T, bool> match, int limit) where TKey : notnull
    {
        var batch = table.Where(p => match(p.Value)).Select(p => p.Key).Take(limit).ToArray();
        table = table.RemoveRange(batch);
        return batch.Length;
    }

    /// <summary>Newest first: created descending, then id descending (ordinal), at most <paramref name="limit"/>.</summary>
    public static T[] NewestFirst<T>(IEnumerable<T> rows, Func<T, DateTimeOffset?> created, Func<T, string> id, int limit = int.MaxValue) =>
        rows.OrderByDescending(created).ThenByDescending(id, Utf8Order.Instance).Take(limit).ToArray();

    /// <summary>Oldest first: created ascending, then id ascending (ordinal).</summary>
    public static T[] OldestFirst<T>(IEnumerable<T> rows, Func<T, DateTimeOffset?> created, Func<T, string> id) =>
        rows.OrderBy(created).ThenBy(id, Utf8Order.Instance).ToArray();
}
