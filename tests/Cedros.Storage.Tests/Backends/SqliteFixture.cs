using System.Runtime.CompilerServices;
using Cedros.Storage.Configuration;
using Cedros.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Tests.Backends;

/// <summary>
/// The SQLite backend: a fresh database file per storage, in a temp directory owned by the fixture (deleted when the
/// fixture is disposed).
/// </summary>
public class SqliteFixture : IStorageFixture, IProcessFixture, IDatabaseFixture, IDisposable
{
    private readonly ConditionalWeakTable<ICedrosStorage, StorageOptions> _opened = [];
    private int _files;

    public SqliteFixture() => Directory.CreateDirectory(Root);

    /// <summary>The fixture's temp directory.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "cedros-sqlite-tests", Guid.NewGuid().ToString("N"));

    public virtual string Name => "sqlite";

    /// <summary>A new, not yet created database file path.</summary>
    public string NewPath() => Path.Combine(Root, $"db{Interlocked.Increment(ref _files)}.db");

    public async Task<ICedrosStorage> CreateStorageAsync(TimeProvider time, Action<StorageOptions>? configure = null)
    {
        var options = NewOptions(NewPath());
        configure?.Invoke(options);
        return await OpenTrackedAsync(options, time);
    }

    public async Task<ICedrosStorage> ReopenAsync(ICedrosStorage storage, TimeProvider time, Action<StorageOptions>? configure = null)
    {
        var options = NewOptions(OptionsOf(storage).Sqlite.Path);
        configure?.Invoke(options);
        return await OpenTrackedAsync(options, time);
    }

    public async Task<PaymentTableCounts> CountPaymentRowsAsync(ICedrosStorage storage, IReadOnlyCollection<string> signatures)
    {
        var options = OptionsOf(storage);
        var tables = options.ResolveTables();
        var archive = tables.PaymentsArchive?.Quoted;
        const string wanted = "signature IN (SELECT value FROM json_each(@s))";
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = options.Sqlite.Path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT (SELECT count(*) FROM {tables.Payments.Quoted} WHERE {wanted}),
                   {(archive is null ? "0" : $"(SELECT count(*) FROM {archive} WHERE {wanted})")},
                   {(archive is null ? "0" : $"(SELECT count(*) FROM {tables.Payments.Quoted} h JOIN {archive} a ON a.signature = h.signature WHERE h.{wanted})")}
            """;
        cmd.Parameters.AddWithValue("@s", System.Text.Json.JsonSerializer.Serialize(signatures));
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new PaymentTableCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private async Task<ICedrosStorage> OpenTrackedAsync(StorageOptions options, TimeProvider time)
    {
        var storage = await SqliteStorage.OpenAsync(options, time);
        _opened.Add(storage, options);
        return storage;
    }

    private StorageOptions OptionsOf(ICedrosStorage storage) =>
        _opened.TryGetValue(storage, out var options) ? options : throw new InvalidOperationException("not a storage of this fixture.");

    /// <summary>Options for a database at <paramref name="path"/>; subclasses may rename tables.</summary>
    public virtual StorageOptions NewOptions(string path) =>
        new() { Backend = StorageBackend.Sqlite, Sqlite = { Path = path } };

    public Task<ProcessTarget> CreateProcessTargetAsync()
    {
        var path = NewPath();
        return Task.FromResult(new ProcessTarget("sqlite", path));
    }

    public Task<ICedrosStorage> OpenTargetAsync(ProcessTarget target, TimeProvider time) =>
        OpenTargetCoreAsync(target, time);

    private async Task<ICedrosStorage> OpenTargetCoreAsync(ProcessTarget target, TimeProvider time) =>
        await SqliteStorage.OpenAsync(NewOptions(target.Connection), time);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying child process: the OS temp cleaner gets it.
        }
        GC.SuppressFinalize(this);
    }
}
