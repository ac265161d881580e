using Npgsql;
using NpgsqlTypes;

namespace Cedros.Storage.Postgres;

/// <summary>A JSONB parameter value (text sent as jsonb).</summary>
internal readonly record struct PgJson(string? Text);

/// <summary>The connection (and transaction, if any) a unit of work runs on, with small helpers that render the SQL
/// template, bind parameters and read rows.</summary>
internal sealed class PgConn(NpgsqlConnection connection, NpgsqlTransaction? transaction, PostgresContext context, CancellationToken cancellationToken)
{
    public CancellationToken Ct { get; } = cancellationToken;
    public PostgresContext Context { get; } = context;

    public NpgsqlCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var statement = Context.Statement(sql);
        var cmd = new NpgsqlCommand(statement.Text, connection, transaction);
        Bind(cmd.Parameters, statement, args);
        return cmd;
    }

    public NpgsqlBatchCommand BatchCommand(string sql, params (string Name, object? Value)[] args)
    {
        var statement = Context.Statement(sql);
        var cmd = new NpgsqlBatchCommand(statement.Text);
        Bind(cmd.Parameters, statement, args);
        return cmd;
    }

    /// <summary>Positional parameters in the statement's order (an argument it does not mention is not sent), or the
    /// named ones when the statement kept its names.</summary>
    private static void Bind(NpgsqlParameterCollection parameters, PgStatement statement, (string Name, object? Value)[] args)
    {
        if (statement.Names is null)
        {
            foreach (var (name, value) in args) parameters.Add(Param(name, value));
            return;
        }
        var plan = statement.PlanFor(args);
        foreach (var index in plan) parameters.Add(Param("", args[index].Value));
    }

    public NpgsqlBatch Batch(params NpgsqlBatchCommand[] commands)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var c in commands) batch.BatchCommands.Add(c);
        return batch;
    }

    /// <summary>Starts a binary <c>COPY … FROM STDIN</c> (the template's tables rendered) on this connection.</summary>
    public Task<NpgsqlBinaryImporter> BeginBinaryImportAsync(string copyTemplate) =>
        connection.BeginBinaryImportAsync(Context.Sql(copyTemplate), Ct);

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(sql, args);
        return await cmd.ExecuteNonQueryAsync(Ct).ConfigureAwait(false);
    }

    public async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(Ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(Ct).ConfigureAwait(false)) rows.Add(read(reader));
        return rows;
    }

    /// <summary>The first row, or null.</summary>
    public async Task<T?> OneAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] args) where T : class
    {
        await using var cmd = Command(sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(Ct).ConfigureAwait(false);
        return await reader.ReadAsync(Ct).ConfigureAwait(false) ? read(reader) : null;
    }

    /// <summary>Exactly one row is expected (e.g. a <c>SELECT</c> of aggregates).</summary>
    public async Task<T> RowAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(Ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(Ct).ConfigureAwait(false)) throw new StorageException(StorageErrorKind.Internal, "a query returned no row.");
        return read(reader);
    }

    private static NpgsqlParameter Param(string name, object? value) => value switch
    {
        null => new NpgsqlParameter(name, DBNull.Value),
        NpgsqlParameter typed => Named(typed, name),
        PgJson json => new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = (object?)json.Text ?? DBNull.Value },
        _ => new NpgsqlParameter(name, value),
    };

    private static NpgsqlParameter Named(NpgsqlParameter parameter, string name)
    {
        parameter.ParameterName = name;
        return parameter;
    }
}
