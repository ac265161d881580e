namespace Cedros.Storage.Sqlite;

/// <summary>Whether SQL text is one statement, which SQLite runs atomically without an explicit transaction.</summary>
internal static class SqliteSingleStatement
{
    /// <summary>False when a <c>;</c> appears anywhere but at the end (a <c>;</c> inside a literal also answers false,
    /// which only keeps the explicit transaction).</summary>
    public static bool Is(string sql) => sql.AsSpan().TrimEnd().TrimEnd(';').IndexOf(';') < 0;
}
