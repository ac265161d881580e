using Npgsql;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>The server's index-scan counters of one table of the connection's schema: how a plan test sees which
/// index a statement read.</summary>
internal static class PostgresIndexScans
{
    /// <summary>Index scans per index of <paramref name="table"/>, polled until <paramref name="done"/> (the sessions'
    /// statistics reach the shared view shortly after they end) or 100 polls.</summary>
    public static async Task<Dictionary<string, long>> ReadAsync(string cs, string table, Func<Dictionary<string, long>, bool> done)
    {
        var scans = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var poll = 0; poll < 100; poll++)
        {
            scans.Clear();
            await using var connection = new NpgsqlConnection(cs);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes WHERE schemaname = current_schema() AND relname = @table",
                connection);
            command.Parameters.AddWithValue("table", table);
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) scans[reader.GetString(0)] = reader.GetInt64(1);
            if (done(scans)) break;
            await Task.Delay(100);
        }
        return scans;
    }

    /// <summary>Index scans per index of <paramref name="table"/> made while <paramref name="work"/> ran, read once the
    /// counters show at least <paramref name="minScans"/> of <paramref name="index"/> (the work ends by closing its
    /// storage: server sessions flush their counters when they end).</summary>
    public static async Task<Dictionary<string, long>> DuringAsync(string cs, string table, string index, long minScans, Func<Task> work)
    {
        var before = await ReadAsync(cs, table, _ => true);
        await work();
        var after = await ReadAsync(cs, table, s => s.GetValueOrDefault(index) - before.GetValueOrDefault(index) >= minScans);
        return after.ToDictionary(s => s.Key, s => s.Value - before.GetValueOrDefault(s.Key), StringComparer.Ordinal);
    }

    public static string Describe(Dictionary<string, long> scans) => string.Join(", ", scans.Select(s => $"{s.Key}={s.Value}"));
}
