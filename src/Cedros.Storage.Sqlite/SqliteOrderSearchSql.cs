using Cedros.Storage.Schema.Rows;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// The exact order search's statements (<see cref="SqliteStore"/>'s <c>SelectOrdersFilteredAsync</c>) for one way of
/// checking that a column contains the term: an ASCII term by <c>LIKE</c> (SQLite's <c>LIKE</c> and <c>lower</c> fold
/// ASCII letters only, as the index's copy is folded; <c>instr</c> on that copy), any other term by <c>cedros_contains</c>
/// (.NET's ordinal ignore-case rule). Both give the same answer on a column and on the search index's lower-cased copy
/// of it, because lower-casing ASCII letters does not change an ordinal ignore-case comparison; so both can re-check
/// candidates from the index's content table (c1 the order id; c2, c3, c5, c6 the four indexed columns; c4 the
/// unindexed resource id) without reading the orders. The searched columns are listed here once.
/// </summary>
internal sealed class SqliteOrderSearchSql
{
    // Before Ascii and Function: static fields are initialised in the order they are written.
    private static readonly string[] SearchedColumns = ["id", "purchase_id", "resource_id", "customer", "customer_email"];

    /// <summary>The searched columns but the resource id, and the same in the index's content table.</summary>
    private static readonly string[] OtherColumns = ["id", "purchase_id", "customer", "customer_email"];

    private static readonly string[] OtherColumnsInIndex = ["c2", "c3", "c5", "c6"];

    /// <summary>For a term of ASCII characters: <c>@lower</c> is the lower-cased term, <c>@like</c> the LIKE pattern
    /// containing it. On the orders table <c>LIKE</c> folds ASCII letters only (SQLite without ICU), as <c>lower</c> does,
    /// so for an ASCII term it is the same rule, without a lower-cased copy of every column: a two-character term's scan
    /// of 1,000,000 orders took 2.2 s with <c>instr(lower(..))</c> and 0.8–1.2 s with <c>LIKE</c> (28 Nov).</summary>
    public static SqliteOrderSearchSql Ascii { get; } = new(column => $"{column} LIKE @like ESCAPE '\\'", column => $"instr({column}, @lower) > 0", "");

    /// <summary>For any other term: <c>@needle</c> is the term; the index narrows (<c>@phrase</c>, <c>@rare</c>) by an
    /// ASCII stretch of it (<c>@stretch</c>, lower-cased; empty when the term has none), which the function then
    /// re-checks. A match's lower-cased text holds the stretch, so <c>instr</c> first spares most calls into .NET
    /// (SQLite stops at the first false term of an AND).</summary>
    public static SqliteOrderSearchSql Function { get; } = new(
        FunctionOnOrders,
        column => $"(instr({column}, @stretch) > 0 AND cedros_contains({column}, @needle))",
        FunctionResourceCheck);

    private static string FunctionOnOrders(string column) => $"(instr(lower({column}), @stretch) > 0 AND cedros_contains({column}, @needle))";

    private const string FunctionResourceCheck = " AND cedros_contains(resource_id, @needle)";

    /// <summary>For a term looked up by its every spelling under the function's rule, as the index holds them
    /// (<see cref="OrdinalCaseVariants"/>; <c>@sp0</c> … the spellings): on the index's copy a column holds the term when
    /// it holds one of the spellings, which <c>instr</c> checks without a call into .NET. The orders table and the resource
    /// ids are checked as <see cref="Function"/> checks them.</summary>
    public static SqliteOrderSearchSql Spelled(int spellings) => SpelledBy[spellings];

    private static readonly SqliteOrderSearchSql[] SpelledBy = [.. Enumerable.Range(0, 17).Select(n => new SqliteOrderSearchSql(
        FunctionOnOrders,
        column => "(" + string.Join(" OR ", Enumerable.Range(0, n).Select(i => $"instr({column}, @sp{i}) > 0")) + ")",
        FunctionResourceCheck))];

    private SqliteOrderSearchSql(Func<string, string> onOrders, Func<string, string> onIndexCopy, string resourceCheck)
    {
        Check = $"AND ({string.Join(" OR ", SearchedColumns.Select(onOrders))})";
        var otherOnOrders = string.Join(" OR ", OtherColumns.Select(onOrders));
        var otherOnIndex = string.Join(" OR ", OtherColumnsInIndex.Select(onIndexCopy));

        ResourceMatches =
            "SELECT resource_id FROM [[orders|%_search_resources]] WHERE n IN (SELECT rowid FROM [[orders|%_search_resource_text]] " +
            "WHERE [[orders|%_search_resource_text]] MATCH @phrase) AND tenant_id = @tenant" + resourceCheck;
        ResourceCount = $"SELECT count(*) FROM [[orders]] WHERE tenant_id = @tenant AND resource_id IN ({ResourceMatches})";
        ResourceOverlap = $"{ResourceCount} AND ({otherOnOrders})";
        var verifiedMatches =
            "FROM [[orders|%_search_content]] WHERE id IN (SELECT rowid FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @rare " +
            $"AND rowid BETWEEN @first AND @last) AND ({otherOnIndex})";
        VerifiedCount = "SELECT count(*) " + verifiedMatches;
        VerifiedRowids = "SELECT id, c1 " + verifiedMatches + " LIMIT @cap";
        VerifiedOverlap = $"{VerifiedCount} AND {onIndexCopy("c4")}";
        Narrowing = $"AND (id IN ({NarrowedIds}) OR resource_id IN ({ResourceMatches}))";
        NarrowedRowids =
            $"SELECT rowid FROM [[orders]] WHERE tenant_id = @tenant AND id IN ({NarrowedIds}) " +
            $"UNION SELECT rowid FROM [[orders]] WHERE tenant_id = @tenant AND resource_id IN ({ResourceMatches})";
        PhraseOverlap =
            "SELECT count(*) FROM [[orders|%_search_content]] WHERE id IN (SELECT rowid FROM [[orders|%_search]] WHERE [[orders|%_search]] " +
            $"MATCH @phrase AND rowid BETWEEN @first AND @last) AND {onIndexCopy("c4")}";
        RowidsOverlap = $"SELECT count(*) FROM [[orders|%_search_content]] WHERE id IN (SELECT value FROM json_each(@rowids)) AND {onIndexCopy("c4")}";
        IdsByKey =
            $"SELECT {OrderRow.Columns} FROM [[orders]] WHERE rowid IN (SELECT rowid FROM (" +
            $"SELECT rowid, created_at, id FROM [[orders]] WHERE tenant_id = @tenant AND resource_id IN ({ResourceMatches}) " +
            "UNION SELECT rowid, created_at, id FROM [[orders]] WHERE tenant_id = @tenant AND id IN (SELECT value FROM json_each(@ids))) " +
            "ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset) ORDER BY created_at DESC, id DESC";
        Walk = $"SELECT {OrderRow.Columns} FROM [[orders]] WHERE tenant_id = @tenant {Check} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset";
    }

    /// <summary>"AND (…)": the order contains the term in one of the five searched columns.</summary>
    public string Check { get; }

    /// <summary>The tenant's resource ids that contain the term (migration 0005), narrowed by <c>@phrase</c>.</summary>
    public string ResourceMatches { get; }

    /// <summary>The orders of the matching resource ids, counted from the index by resource.</summary>
    public string ResourceCount { get; }

    /// <summary>Of those, the orders that match on another column too.</summary>
    public string ResourceOverlap { get; }

    /// <summary>The orders matching on the four other columns: the candidates of <c>@rare</c> re-checked on the index's
    /// copy.</summary>
    public string VerifiedCount { get; }

    /// <summary>The index rowids and order ids of those orders, at most <c>@cap</c>.</summary>
    public string VerifiedRowids { get; }

    /// <summary>Of those, the orders whose resource id matches too.</summary>
    public string VerifiedOverlap { get; }

    /// <summary>"AND (…)": the candidates an index key (<c>@phrase</c>) narrows to, for a search the index cannot
    /// answer alone (a status or date filter): <see cref="NarrowedIds"/> or a matching resource id.</summary>
    public string Narrowing { get; }

    /// <summary>The rowids of the same candidates, for reading them by key.</summary>
    public string NarrowedRowids { get; }

    /// <summary>The orders whose indexed text holds <c>@phrase</c>, in the tenant's rowid range.</summary>
    private const string NarrowedIds =
        "SELECT order_id FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @phrase AND " +
        "rowid BETWEEN (SELECT n << 40 FROM [[orders|%_search_tenants]] WHERE tenant_id = @tenant) " +
        "AND (SELECT (n << 40) + last FROM [[orders|%_search_tenants]] WHERE tenant_id = @tenant)";

    /// <summary>The orders matching <c>@phrase</c> (an exact query: the term, or every spelling of it) whose resource id
    /// matches too.</summary>
    public string PhraseOverlap { get; }

    /// <summary><see cref="PhraseOverlap"/> from the phrase's matches read beforehand (<c>@rowids</c>, their rowids in
    /// the index, a JSON array).</summary>
    public string RowidsOverlap { get; }

    /// <summary>The page read by key from the matches' order ids read beforehand (<c>@ids</c>, a JSON array) and the
    /// matching resource ids' orders: the newest (offset + limit) keys first, then only the page's rows (sorting the
    /// whole rows of a thousand matches cost more than reading the page's twenty again).</summary>
    public string IdsByKey { get; }

    /// <summary>The page by walking the tenant's newest orders, checking each.</summary>
    public string Walk { get; }
}
