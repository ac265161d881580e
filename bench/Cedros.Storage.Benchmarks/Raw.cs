using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Benchmarks;

/// <summary>Small helpers for the raw-driver baselines.</summary>
public static class Raw
{
    public static int Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>Microseconds since the Unix epoch: SQLite's timestamp representation in this schema.</summary>
    public static long Micros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>Now, truncated to microseconds (what the storage stores).</summary>
    public static DateTimeOffset Now()
    {
        var now = TimeProvider.System.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
    }
}
