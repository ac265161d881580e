using System.Data.Common;
using Cedros.Storage.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cedros.Storage.Cli;

/// <summary>
/// Reads which migrations a database has recorded, so <c>migrate</c> can say what it applied. Best effort: any failure
/// (no database yet, server unreachable, an unexpected history table layout) answers null and the backend's own open
/// reports real errors.
/// </summary>
internal static class MigrationHistory
{
    /// <summary>The recorded migrations (empty when the history table does not exist yet), or null when unknown.</summary>
    public static async Task<IReadOnlyList<string>?> TryReadAsync(StorageOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(options, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort by design: the real open reports errors.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>The recorded migrations (empty when the history table or the SQLite file does not exist); a database
    /// that cannot be read throws the library's <see cref="StorageException"/> (the backend's own mapping of driver
    /// errors: a server that cannot be reached is <see cref="StorageErrorKind.Unavailable"/>, a file that is not a
    /// database a configuration error), never a raw driver exception. Reads only: creates nothing. Null for the
    /// in-memory backend.</summary>
    public static async Task<IReadOnlyList<string>?> ReadAsync(StorageOptions options, CancellationToken cancellationToken)
    {
        var table = options.ResolveTables().SchemaMigrations;
        switch (options.Backend)
        {
            case StorageBackend.Sqlite:
                try
                {
                    return await ReadSqliteAsync(options.Sqlite.Path, table.Name, cancellationToken).ConfigureAwait(false);
                }
                catch (SqliteException ex)
                {
                    throw Sqlite.SqliteErrors.TranslateOpen(ex, options.Sqlite.Path);
                }
            case StorageBackend.Postgres:
                // As the backend parses it (the postgres:// URL form too); an unparsable string is a configuration
                // error that never quotes the string.
                var connection = Postgres.PostgresStorage.BuildConnectionString(options);
                try
                {
                    return await ReadPostgresAsync(connection, table, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && Postgres.PostgresErrors.IsDriverError(ex))
                {
                    throw Postgres.PostgresErrors.Translate(ex);
                }
            default:
                return null;
        }
    }

    /// <summary>The version number at the start of a recorded migration (<c>4</c> of <c>0004_name</c>).</summary>
    public static long VersionOf(string recorded) => LeadingNumber(recorded);

    private static async Task<IReadOnlyList<string>?> ReadSqliteAsync(string path, string table, CancellationToken ct)
    {
        if (!File.Exists(path)) return [];
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var connection = new SqliteConnection(cs);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
            exists.Parameters.AddWithValue("$name", table);
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
                return [];
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            return await ReadVersionsAsync(select, ct).ConfigureAwait(false);
        }
    }

    private static async Task<IReadOnlyList<string>?> ReadPostgresAsync(NpgsqlConnectionStringBuilder builder, Schema.TableName table, CancellationToken ct)
    {
        builder.Pooling = false;
        builder.Timeout = 5;
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
            exists.Parameters.AddWithValue("name", table.Quoted);
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not true) return [];
            await using var select = new NpgsqlCommand($"SELECT * FROM {table.Quoted}", connection);
            return await ReadVersionsAsync(select, ct).ConfigureAwait(false);
        }
    }

    private static async Task<IReadOnlyList<string>> ReadVersionsAsync(DbCommand command, CancellationToken ct)
    {
        var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var version = columns.FindIndex(c => c.Equals("version", StringComparison.OrdinalIgnoreCase));
            var name = columns.FindIndex(c => c.Equals("name", StringComparison.OrdinalIgnoreCase));
            if (version < 0) version = 0;
            var result = new List<string>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var text = Convert.ToString(reader.GetValue(version), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                if (name >= 0 && name != version && !reader.IsDBNull(name))
                {
                    var label = Convert.ToString(reader.GetValue(name), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    text = label.Contains(text, StringComparison.Ordinal) ? label : $"{text} {label}";
                }
                result.Add(text);
            }
            return [.. result.OrderBy(LeadingNumber).ThenBy(v => v, StringComparer.Ordinal)];
        }
    }

    private static long LeadingNumber(string version)
    {
        var digits = new string(version.TakeWhile(char.IsAsciiDigit).ToArray());
        return long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;
    }
}
