using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using Cedros.Storage.Sql;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IOrderDriver
{
    /// <summary>
    /// The search rule: a term of ASCII characters matches a column when lower(column) contains lower(term) (SQLite's
    /// lower folds ASCII letters only); any other term by the registered function (ordinal, case-insensitive substring,
    /// as in .NET). The text is always a parameter — '%', '_', '\' and quotes are plain characters. With three or more
    /// ASCII characters the indexes answer the count without reading an order: the orders of the tenant's resource ids
    /// that contain the term (migration 0005: the distinct resource ids have their own trigram index, their orders an
    /// index by resource), plus the other four columns' matches in the trigram index (migration 0004: lower-cased
    /// text, one rowid range per tenant) by the term's phrase, or by one rare trigram's candidates re-checked against
    /// the index's own copy of the lower-cased text (<see cref="SqliteSearchPlanner"/>), less the orders found both
    /// ways; the page then either walks the newest orders checking the rule (when matches are common enough that few
    /// rows are read) or reads the matched orders by key. A non-ASCII term takes the same path by a query of its every
    /// spelling under the function's rule (<see cref="OrdinalCaseVariants"/>: "müller" OR "mÜller"), which is as exact
    /// as an ASCII term's phrase; one with too many spellings by its longest ASCII stretch, every candidate re-checked by
    /// the function on the index's copy (<see cref="SqliteOrderSearchSql"/>). With a status or date filter, the index
    /// narrows to candidates and the check decides on the orders table.
    /// </summary>
    public Task<OrderPage> SelectOrdersFilteredAsync(OrderStatus? status, string? needle, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken)
    {
        var ascii = needle is not null && System.Text.Ascii.IsValid(needle);
        var lowered = ascii ? needle!.ToLowerInvariant() : null;
        var stretch = ascii ? null : AsciiStretch(needle);
        // The index key: an exact FTS5 query (an ASCII term's phrase, or every spelling of another term) or, for a term
        // with too many spellings, the phrase of its ASCII stretch, which only narrows.
        var spellings = ascii || needle is null ? null : OrdinalCaseVariants.Spellings(needle);
        var exact = ascii ? lowered!.Length >= 3 : spellings is not null;
        var phrase = ascii ? (exact ? Phrase(lowered!) : null)
            : spellings is not null ? OrdinalCaseVariants.Query(spellings) : stretch is null ? null : Phrase(stretch);
        var filtered = status is not null || createdBefore is not null || createdAfter is not null;
        var search = ascii ? SqliteOrderSearchSql.Ascii
            : spellings is not null ? SqliteOrderSearchSql.Spelled(spellings.Count) : SqliteOrderSearchSql.Function;
        (string, object?)[] args =
        [
            Tenant, ("@status", status is { } x ? Text(x) : null), ("@before", createdBefore), ("@after", createdAfter),
            ("@needle", ascii ? null : needle), ("@lower", lowered), ("@like", ascii ? SqlCodec.LikeContaining(needle!) : null),
            ("@stretch", ascii ? null : stretch ?? ""),
            ("@phrase", phrase),
            ("@limit", limit), ("@offset", offset),
            .. (spellings ?? []).Select((spelling, i) => ($"@sp{i}", (object?)spelling)),
        ];
        if (phrase is null || filtered)
        {
            // The index narrows (or there is none to use); the check decides, on the orders table.
            var where = $"tenant_id = @tenant {(filtered ? Filters : "")} {(phrase is null ? "" : search.Narrowing)} {(needle is null ? "" : search.Check)}";
            return ReadAsync(s =>
            {
                var total = s.Long(Sql($"SELECT count(*) FROM [[orders]] WHERE {where}"), args);
                if (total <= offset) return new OrderPage([], total);
                // The candidates by key when few (ByKeyAtMost); SQLite's planner walks the (tenant, created_at) index
                // either way unless the candidates come first.
                var byKey = phrase is not null && total <= ByKeyAtMost(offset, limit, TenantRows(s));
                var page = byKey
                    ? $"SELECT {OrderRow.Columns} FROM [[orders]] WHERE rowid IN ({search.NarrowedRowids}) {Filters} {search.Check} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset"
                    : $"SELECT {OrderRow.Columns} FROM [[orders]] WHERE {where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset";
                return new OrderPage(s.List(Sql(page), Codec.Rows.Order, args), total);
            }, cancellationToken, snapshot: true);
        }
        return ReadAsync(s =>
        {
            // The index alone is exact here: the count reads no order.
            var range = s.One(Sql(TenantRowsSql), r => (First: r.GetInt64(0), Last: r.GetInt64(1)), Tenant);
            if (range == default) return new OrderPage([], 0);
            // An exact query is counted as it is, or by a rare trigram's candidates re-checked on the index's copy of
            // the columns (every spelling's trigram at one position, for a non-ASCII term); a stretch's candidates are
            // always re-checked.
            var rare = ascii ? RareTrigram(s, Trigrams(lowered!), range.First, range.Last)
                : exact ? RareTrigram(s, OrdinalCaseVariants.PositionQueries(spellings!), range.First, range.Last)
                : RareTrigram(s, Trigrams(stretch!), range.First, range.Last) ?? phrase;
            (string, object?)[] indexArgs =
            [
                .. args, ("@first", range.First), ("@last", range.Last),
                ("@rare", rare),
            ];
            var byKeyAtMost = ByKeyAtMost(offset, limit, range.Last - range.First + 1);
            // Two parts: the orders of the matching resource ids (counted from the resource index), and the orders
            // matching on the other four columns (the trigram index); an order in both is counted once, by re-checking
            // the smaller part.
            var byResource = s.Long(Sql(search.ResourceCount), indexArgs);
            // Few enough matches for the page by key: their index rowids are read once, for the count, the overlap and
            // the page (each evaluation of a phrase reads the whole doclist of its commonest trigram, e.g. "lle" of
            // "müller" in every "wallet…"; each re-check of a rare trigram's candidates reads them all again).
            var matched = s.List(Sql(rare is null ? PhraseRowidsSql : search.VerifiedRowids), r => (Rowid: r.GetInt64(0), Id: r.GetString(1)),
                [.. indexArgs, ("@cap", byKeyAtMost + 1)]);
            var listed = matched.Count <= byKeyAtMost;
            var byOther = listed ? matched.Count : s.Long(Sql(rare is null ? PhraseCountSql : search.VerifiedCount), indexArgs);
            var both = 0L;
            if (byResource > 0 && byOther > 0)
            {
                var overlap = byOther > byResource ? search.ResourceOverlap
                    : listed ? search.RowidsOverlap : rare is null ? search.PhraseOverlap : search.VerifiedOverlap;
                both = s.Long(Sql(overlap), [.. indexArgs, ("@rowids", listed ? Json(matched.Select(m => m.Rowid)) : null)]);
            }
            var total = byResource + byOther - both;
            if (total <= offset) return new OrderPage([], total);
            // (Matches too many to list are more than byKeyAtMost, so the page walks.)
            var walk = total > byKeyAtMost || !listed;
            indexArgs = [.. indexArgs, ("@ids", walk ? null : Json(matched.Select(m => m.Id)))];
            var items = s.List(Sql(walk ? search.Walk : search.IdsByKey), Codec.Rows.Order, indexArgs);
            return new OrderPage(items, total);
        }, cancellationToken, snapshot: true);
    }

    /// <summary>Up to how many matches the page reads them by key rather than walking the tenant's newest orders: a walk
    /// reads about (offset + limit) × orders ÷ matches rows, by key one per match, so by key while matches² ≤ (offset +
    /// limit) × orders.</summary>
    private static long ByKeyAtMost(int offset, int limit, long tenantRows) => (long)Math.Sqrt((double)(offset + limit) * tenantRows) + 1;

    /// <summary>How many orders the tenant has had (its rowid range in the search index; deleted ones included).</summary>
    private long TenantRows(SqliteSession s) =>
        s.One(Sql(TenantRowsSql), r => r.GetInt64(1) - r.GetInt64(0) + 1, Tenant);

    /// <summary>Which of <paramref name="grams"/> (FTS5 queries: one trigram, or one position's trigram in every spelling)
    /// to count by (<see cref="SqliteSearchPlanner"/>), or null for the term's exact query.</summary>
    private string? RareTrigram(SqliteSession s, IReadOnlyCollection<string> grams, long first, long last)
    {
        var planner = Engine.SearchPlanner;
        if (grams.Count < 2) return null;
        var sampleFirst = Math.Max(first, last - planner.SampleRows + 1);
        var sampled = s.List(Sql(SampleSql), r => (Gram: r.GetString(0), Rows: r.GetInt64(1)),
            ("@grams", Json(grams)), ("@first", sampleFirst), ("@last", last));
        if (planner.Choose(sampled, last - sampleFirst + 1, last - first + 1) is not { } plan) return null;
        var candidates = s.Long(Sql(ProbeSql), ("@rare", plan.Gram), ("@first", first), ("@last", last), ("@cap", plan.MaxCandidates + 1));
        if (candidates > plan.MaxCandidates) return null;
        planner.CountVerified();
        return plan.Gram;
    }

    /// <summary>The trigrams of an ASCII, lower-cased text, each as a one-trigram phrase.</summary>
    private static string[] Trigrams(string lowered) => [.. SqliteSearchPlanner.Trigrams(lowered).Select(Phrase)];

    private static string Phrase(string text) => OrdinalCaseVariants.Phrase(text);

    private const string TenantRowsSql = "SELECT n << 40, (n << 40) + last FROM [[orders|%_search_tenants]] WHERE tenant_id = @tenant";

    private const string SampleSql =
        "SELECT value, (SELECT count(*) FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH value AND rowid BETWEEN @first AND @last) " +
        "FROM json_each(@grams)";

    private const string ProbeSql =
        "SELECT count(*) FROM (SELECT 1 FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @rare AND rowid BETWEEN @first AND @last LIMIT @cap)";

    private const string PhraseRowidsSql =
        "SELECT rowid, order_id FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @phrase AND rowid BETWEEN @first AND @last LIMIT @cap";

    private const string PhraseCountSql =
        "SELECT count(*) FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @phrase AND rowid BETWEEN @first AND @last";

    private const string Filters =
        "AND (@status IS NULL OR status = @status) AND (@before IS NULL OR created_at < @before) AND (@after IS NULL OR created_at >= @after)";

    /// <summary>
    /// The longest stretch (three or more characters) of a non-ASCII term that the index can look up: ASCII characters,
    /// lower-cased, because under .NET's ordinal ignore-case rule a column character matching an ASCII character is
    /// that letter in either case (the rule never makes a non-ASCII character equal to an ASCII one: the dotless ı is
    /// not I, nor the long ſ S; <c>SqliteNonAsciiSearchTests</c> checks it). Null when there is none.
    /// </summary>
    private static string? AsciiStretch(string? needle)
    {
        if (needle is null) return null;
        int bestStart = 0, bestLength = 0, start = 0;
        for (var i = 0; i <= needle.Length; i++)
        {
            if (i < needle.Length && needle[i] < 128) continue;
            if (i - start > bestLength) (bestStart, bestLength) = (start, i - start);
            start = i + 1;
        }
        return bestLength >= 3 ? needle.Substring(bestStart, bestLength).ToLowerInvariant() : null;
    }

    /// <summary>One conditional UPDATE whose WHERE holds the allowed source statuses (inside the write transaction, which
    /// holds the file's write lock); only when it changes nothing is the status read, in the same transaction.</summary>
    public Task<OrderStatusUpdate> UpdateOrderStatusIfInAsync(string orderId, IReadOnlyList<OrderStatus> allowedFrom, OrderStatus status,
        DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var updated = s.Execute(Sql("""
                UPDATE [[orders]] SET status = @status, status_updated_at = @status_at, updated_at = @updated_at
                WHERE tenant_id = @tenant AND id = @id AND status IN (SELECT value FROM json_each(@sources))
                """), Tenant, ("@id", orderId), ("@status", Text(status)), ("@status_at", statusUpdatedAt), ("@updated_at", updatedAt),
                ("@sources", Json(allowedFrom.Select(Text).ToArray())));
            return updated == 1 ? OrderStatusUpdate.Done : new OrderStatusUpdate(false, OrderStatusOf(s, orderId));
        }, cancellationToken);

    /// <summary>The write lock of the enclosing transaction (<c>BEGIN IMMEDIATE</c>) keeps the row as read.</summary>
    public Task<string?> SelectOrderStatusAsync(string orderId, bool lockRow, CancellationToken cancellationToken) =>
        ReadAsync(s => OrderStatusOf(s, orderId), cancellationToken);

    private string? OrderStatusOf(SqliteSession s, string orderId) =>
        s.One(Sql("SELECT status FROM [[orders]] WHERE tenant_id = @tenant AND id = @id"), r => r.Str(0), Tenant, ("@id", orderId));
}
