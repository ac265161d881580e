using Cedros.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// One connection (inside a write transaction or not) and the few ways the backend runs SQL on it. Every value goes in
/// as a parameter; <see cref="DateTimeOffset"/> becomes INTEGER microseconds since the epoch, <see cref="bool"/> 0/1.
/// Statements stay prepared on the connection for its lifetime (one command per SQL text, re-bound per call); a
/// session is used by one caller at a time.
/// </summary>
internal sealed class SqliteSession(SqliteConnection connection) : IDisposable
{
    /// <summary>Distinct statements kept prepared; reaching it (dynamic SQL) starts the cache afresh.</summary>
    private const int MaxPrepared = 256;

    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    /// <summary>The same commands by the SQL object they were made for: rendered SQL comes from the template cache, the
    /// same object every call, so this skips hashing the text (<see cref="Internal.TemplateCache{T}"/>).</summary>
    private readonly Dictionary<string, SqliteCommand> _preparedByReference = new(ReferenceEqualityComparer.Instance);

    public SqliteConnection Connection { get; } = connection;

    /// <summary>Open, with no transaction left open on it: safe to hand to the next caller.</summary>
    public bool IsReusable =>
        Connection.State == System.Data.ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) != 0;

    public int Execute(string sql, params (string Name, object? Value)[] args) => Command(sql, args).ExecuteNonQuery();

    public T? One<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] args)
    {
        using var reader = Command(sql, args).ExecuteReader();
        return reader.Read() ? read(reader) : default;
    }

    public List<T> List<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] args)
    {
        using var reader = Command(sql, args).ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    public long Long(string sql, params (string Name, object? Value)[] args) =>
        Command(sql, args).ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public bool Exists(string sql, params (string Name, object? Value)[] args)
    {
        using var reader = Command(sql, args).ExecuteReader();
        return reader.Read();
    }

    /// <summary>Runs one prepared statement once per item (inside the caller's transaction); returns rows changed per item.</summary>
    public int[] ForEach<T>(string sql, IReadOnlyList<T> items, Func<T, (string Name, object? Value)[]> args)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        var changes = new int[items.Count];
        SqliteParameter[]? parameters = null;
        for (var i = 0; i < items.Count; i++)
        {
            var values = args(items[i]);
            if (parameters is null)
            {
                parameters = values.Select(v => command.Parameters.AddWithValue(v.Name, ToDb(v.Value))).ToArray();
                command.Prepare();
            }
            else
            {
                for (var j = 0; j < values.Length; j++) parameters[j].Value = ToDb(values[j].Value);
            }
            changes[i] = command.ExecuteNonQuery();
        }
        return changes;
    }

    /// <summary>
    /// Runs one statement with positional parameters (<c>?1</c>, <c>?2</c>, …) once per item, inside the caller's
    /// transaction, binding each value by index through SQLite's C API: no parameter objects, no boxing and no
    /// name lookup per row (Microsoft.Data.Sqlite resolves every parameter's name on every execution). For batches of
    /// thousands of rows. Returns rows changed per item; an error surfaces as <see cref="SqliteException"/>.
    /// </summary>
    public int[] ForEachPositional<T>(string sql, IReadOnlyList<T> items, Action<SqliteBinder, T> bind)
    {
        var db = Connection.Handle!;
        var rc = SQLitePCL.raw.sqlite3_prepare_v2(db, sql, out var statement);
        if (rc != SQLitePCL.raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }
        using (statement)
        {
            var binder = new SqliteBinder(statement!);
            var changes = new int[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                bind(binder, items[i]);
                rc = SQLitePCL.raw.sqlite3_step(statement);
                if (rc != SQLitePCL.raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
                changes[i] = SQLitePCL.raw.sqlite3_changes(db);
                SQLitePCL.raw.sqlite3_reset(statement);
            }
            return changes;
        }
    }

    /// <summary>The connection's prepared command for <paramref name="sql"/> with <paramref name="args"/> bound. It
    /// belongs to the session: do not dispose it (dispose its reader).</summary>
    public SqliteCommand Command(string sql, IReadOnlyList<(string Name, object? Value)> args)
    {
        if (!_preparedByReference.TryGetValue(sql, out var command) && !_prepared.TryGetValue(sql, out command))
        {
            if (_prepared.Count >= MaxPrepared) Dispose();
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _prepared.Add(sql, command);
            _preparedByReference.Add(sql, command);
        }
        Bind(command.Parameters, args);
        return command;
    }

    /// <summary>Re-binds values in place when the names are those of the last call (the usual case), else anew.</summary>
    private static void Bind(SqliteParameterCollection parameters, IReadOnlyList<(string Name, object? Value)> args)
    {
        var same = parameters.Count == args.Count;
        for (var i = 0; same && i < args.Count; i++) same = string.Equals(parameters[i].ParameterName, args[i].Name, StringComparison.Ordinal);
        if (same)
        {
            for (var i = 0; i < args.Count; i++) parameters[i].Value = ToDb(args[i].Value);
            return;
        }
        parameters.Clear();
        foreach (var (name, value) in args) parameters.AddWithValue(name, ToDb(value));
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values) command.Dispose();
        _prepared.Clear();
        _preparedByReference.Clear();
    }

    public static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => StorageTime.ToUnixMicros(time),
        bool flag => flag ? 1L : 0L,
        _ => value,
    };
}

/// <summary>Binds one row's values by position (1-based) to a statement of <see cref="SqliteSession.ForEachPositional{T}"/>.</summary>
internal readonly struct SqliteBinder(SQLitePCL.sqlite3_stmt statement)
{
    public void Text(int index, string? value) =>
        Ok(value is null ? SQLitePCL.raw.sqlite3_bind_null(statement, index) : SQLitePCL.raw.sqlite3_bind_text16(statement, index, value.AsSpan()));

    public void Integer(int index, long value) => Ok(SQLitePCL.raw.sqlite3_bind_int64(statement, index, value));

    private static void Ok(int rc)
    {
        if (rc != SQLitePCL.raw.SQLITE_OK) throw new SqliteException($"SQLite refused a parameter (result code {rc}).", rc);
    }
}
