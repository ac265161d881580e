using Cedros.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// One connection (inside a write transaction or not) and the few ways the backend runs SQL on it. Every value goes in
/// as a parameter; <see cref="DateTimeOffset"/> becomes INTEGER microseconds since the epoch, <see cref="bool"/> 0/1.
/// </summary>
internal sealed class SqliteSession(SqliteConnection connection)
{
    public SqliteConnection Connection { get; } = connection;

    public int Execute(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        return command.ExecuteNonQuery();
    }

    public T? One<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        return reader.Read() ? read(reader) : default;
    }

    public List<T> List<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    public long Long(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    public bool Exists(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
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

    public SqliteCommand Command(string sql, IReadOnlyList<(string Name, object? Value)> args)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, ToDb(value));
        return command;
    }

    public static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => StorageTime.ToUnixMicros(time),
        bool flag => flag ? 1L : 0L,
        _ => value,
    };
}
