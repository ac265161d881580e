using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
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
    /// rows are read) or reads the matched orders by key. A non-ASCII term narrows by the index on its longest ASCII stretch when it has one, and the
    /// function decides.
    /// </summary>
    public Task<OrderPage> SelectOrdersFilteredAsync(OrderStatus? status, string? needle, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken)
    {
        var ascii = needle is not null && System.Text.Ascii.IsValid(needle);
        var lowered = ascii ? needle!.ToLowerInvariant() : null;
        var indexKey = ascii ? (lowered!.Length >= 3 ? lowered : null) : AsciiStretch(needle);
        var filtered = status is not null || createdBefore is not null || createdAfter is not null;
        (string, object?)[] args =
        [
            Tenant, ("@status", status is { } x ? Text(x) : null), ("@before", createdBefore), ("@after", createdAfter),
            ("@needle", ascii ? null : needle), ("@lower", lowered),
            ("@phrase", indexKey is null ? null : Phrase(indexKey)),
            ("@limit", limit), ("@offset", offset),
        ];
        var check = needle is null ? "" : ascii ? AsciiCheck : FunctionCheck;
        var filters = filtered ? Filters : "";
        if (indexKey is null || (!ascii || filtered))
        {
            // The index narrows (or there is none to use); the check decides, on the orders table.
            var candidates = indexKey is null ? ""
                : $"AND (id IN (SELECT order_id FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @phrase AND {TenantRange}) OR resource_id IN ({ResourceMatches}))";
            var where = $"tenant_id = @tenant {filters} {candidates} {check}";
            return ReadAsync(s =>
            {
                var total = s.Long(Sql($"SELECT count(*) FROM [[orders]] WHERE {where}"), args);
                var items = total <= offset ? []
                    : s.List(Sql($"SELECT {OrderRow.Columns} FROM [[orders]] WHERE {where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset"),
                        Codec.Rows.Order, args);
                return new OrderPage(items, total);
            }, cancellationToken, snapshot: true);
        }
        return ReadAsync(s =>
        {
            // The index alone is exact here: the count reads no order.
            var range = s.One(Sql(TenantRowsSql), r => (First: r.GetInt64(0), Last: r.GetInt64(1)), Tenant);
            if (range == default) return new OrderPage([], 0);
            var rare = RareTrigram(s, lowered!, range.First, range.Last);
            (string, object?)[] indexArgs =
            [
                .. args, ("@first", range.First), ("@last", range.Last),
                ("@rare", rare),
            ];
            // Two parts: the orders of the matching resource ids (counted from the resource index), and the orders
            // matching on the other four columns (the trigram index); an order in both is counted once, by re-checking
            // the smaller part.
            var byResource = s.Long(Sql(ResourceCountSql), indexArgs);
            var byOther = s.Long(Sql(rare is null ? PhraseCountSql : VerifiedCountSql), indexArgs);
            var both = byResource == 0 || byOther == 0 ? 0
                : s.Long(Sql(byOther <= byResource ? rare is null ? PhraseOverlapSql : VerifiedOverlapSql : ResourceOverlapSql), indexArgs);
            var total = byResource + byOther - both;
            if (total <= offset) return new OrderPage([], total);
            // Walking the newest orders reads about (offset + limit) * orders / matches rows; by key, one per match.
            var tenantRows = range.Last - range.First + 1;
            var walk = (double)(offset + limit) * tenantRows / total < total;
            var items = s.List(Sql(walk ? WalkSql : rare is null ? PhraseByKeySql : VerifiedByKeySql), Codec.Rows.Order, indexArgs);
            return new OrderPage(items, total);
        }, cancellationToken, snapshot: true);
    }

    /// <summary>The rare trigram to count by, as a one-trigram phrase (<see cref="SqliteSearchPlanner"/>), or null for the
    /// term's phrase.</summary>
    private string? RareTrigram(SqliteSession s, string lowered, long first, long last)
    {
        var planner = Engine.SearchPlanner;
        var grams = SqliteSearchPlanner.Trigrams(lowered);
        if (grams.Count < 2) return null;
        var sampleFirst = Math.Max(first, last - planner.SampleRows + 1);
        var sampled = s.List(Sql(SampleSql), r => (Gram: r.GetString(0), Rows: r.GetInt64(1)),
            ("@grams", Json(grams.Select(Phrase))), ("@first", sampleFirst), ("@last", last));
        if (planner.Choose(sampled, last - sampleFirst + 1, last - first + 1) is not { } plan) return null;
        var candidates = s.Long(Sql(ProbeSql), ("@rare", plan.Gram), ("@first", first), ("@last", last), ("@cap", plan.MaxCandidates + 1));
        if (candidates > plan.MaxCandidates) return null;
        planner.CountVerified();
        return plan.Gram;
    }

    /// <summary>An FTS5 phrase matching <paramref name="text"/> literally (double quotes doubled).</summary>
    private static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private const string TenantRowsSql = "SELECT n << 40, (n << 40) + last FROM [[orders|%_search_tenants]] WHERE tenant_id = @tenant";

    private const string SampleSql =
        "SELECT value, (SELECT count(*) FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH value AND rowid BETWEEN @first AND @last) " +
        "FROM json_each(@grams)";

    private const string ProbeSql =
        "SELECT count(*) FROM (SELECT 1 FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @rare AND rowid BETWEEN @first AND @last LIMIT @cap)";

    private const string PhraseMatches =
        "SELECT order_id FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @phrase AND rowid BETWEEN @first AND @last";

    /// <summary>The candidates of the rare trigram whose indexed text (FTS5's content table: c2, c3, c5 and c6 hold
    /// the four indexed lower-cased columns, c4 the unindexed lower-cased resource id, c1 the order id) contains the
    /// term: exactly the phrase's matches.</summary>
    private const string VerifiedMatches =
        "FROM [[orders|%_search_content]] WHERE id IN (SELECT rowid FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @rare " +
        "AND rowid BETWEEN @first AND @last) AND (instr(c2, @lower) > 0 OR instr(c3, @lower) > 0 " +
        "OR instr(c5, @lower) > 0 OR instr(c6, @lower) > 0)";

    private const string PhraseCountSql =
        "SELECT count(*) FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @phrase AND rowid BETWEEN @first AND @last";

    private const string VerifiedCountSql = "SELECT count(*) " + VerifiedMatches;

    /// <summary>The tenant's resource ids whose lower-cased text contains the term (migration 0005).</summary>
    private const string ResourceMatches =
        "SELECT resource_id FROM [[orders|%_search_resources]] WHERE n IN (SELECT rowid FROM [[orders|%_search_resource_text]] " +
        "WHERE [[orders|%_search_resource_text]] MATCH @phrase) AND tenant_id = @tenant";

    private const string ResourceCountSql = "SELECT count(*) FROM [[orders]] WHERE tenant_id = @tenant AND resource_id IN (" + ResourceMatches + ")";

    /// <summary>Orders matching on both sides, counted from the other columns' matches: their resource id matches too.</summary>
    private const string PhraseOverlapSql =
        "SELECT count(*) FROM [[orders|%_search_content]] WHERE id IN (SELECT rowid FROM [[orders|%_search]] WHERE [[orders|%_search]] " +
        "MATCH @phrase AND rowid BETWEEN @first AND @last) AND instr(c4, @lower) > 0";

    private const string VerifiedOverlapSql = "SELECT count(*) " + VerifiedMatches + " AND instr(c4, @lower) > 0";

    /// <summary>The same, counted from the resource side: the order matches on another column too.</summary>
    private const string ResourceOverlapSql =
        "SELECT count(*) FROM [[orders]] WHERE tenant_id = @tenant AND resource_id IN (" + ResourceMatches + ") " +
        "AND (instr(lower(id), @lower) > 0 OR instr(lower(purchase_id), @lower) > 0 OR instr(lower(customer), @lower) > 0 " +
        "OR instr(lower(customer_email), @lower) > 0)";

    private const string TenantRange =
        "rowid BETWEEN (SELECT n << 40 FROM [[orders|%_search_tenants]] WHERE tenant_id = @tenant) " +
        "AND (SELECT (n << 40) + last FROM [[orders|%_search_tenants]] WHERE tenant_id = @tenant)";

    private const string Filters =
        "AND (@status IS NULL OR status = @status) AND (@before IS NULL OR created_at < @before) AND (@after IS NULL OR created_at >= @after)";

    private const string AsciiCheck =
        "AND (instr(lower(id), @lower) > 0 OR instr(lower(purchase_id), @lower) > 0 OR instr(lower(resource_id), @lower) > 0 " +
        "OR instr(lower(customer), @lower) > 0 OR instr(lower(customer_email), @lower) > 0)";

    private const string FunctionCheck =
        "AND (cedros_contains(id, @needle) OR cedros_contains(purchase_id, @needle) OR cedros_contains(resource_id, @needle) " +
        "OR cedros_contains(customer, @needle) OR cedros_contains(customer_email, @needle))";

    private static readonly string WalkSql =
        $"SELECT {OrderRow.Columns} FROM [[orders]] WHERE tenant_id = @tenant {AsciiCheck} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset";

    private static readonly string PhraseByKeySql = ByKey(PhraseMatches);

    private static readonly string VerifiedByKeySql = ByKey("SELECT c1 " + VerifiedMatches);

    /// <summary>The page read by key: the orders of the matching resource ids and the other columns' matches.</summary>
    private static string ByKey(string otherMatches) =>
        $"SELECT {OrderRow.Columns} FROM [[orders]] WHERE rowid IN (" +
        $"SELECT rowid FROM [[orders]] WHERE tenant_id = @tenant AND resource_id IN ({ResourceMatches}) " +
        $"UNION SELECT rowid FROM [[orders]] WHERE tenant_id = @tenant AND id IN ({otherMatches})) " +
        "ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset";

    /// <summary>
    /// The longest stretch (three or more characters) of a non-ASCII term that the index can look up: ASCII characters
    /// other than i and s (lower-cased), because under the ordinal ignore-case rule a column character matching an ASCII
    /// term character is that letter in either case — except the dotless ı and the long ſ, which upper-case to I and S.
    /// Null when there is none (the search then scans).
    /// </summary>
    private static string? AsciiStretch(string? needle)
    {
        if (needle is null) return null;
        int bestStart = 0, bestLength = 0, start = 0;
        for (var i = 0; i <= needle.Length; i++)
        {
            if (i < needle.Length && needle[i] < 128 && needle[i] is not ('i' or 'I' or 's' or 'S')) continue;
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
