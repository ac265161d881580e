using Cedros.Storage.Configuration;
using Cedros.Storage.Sqlite;

namespace Cedros.Storage.Tests.Backends;

/// <summary>
/// The SQLite backend: a fresh database file per storage, in a temp directory owned by the fixture (deleted when the
/// fixture is disposed).
/// </summary>
public class SqliteFixture : IStorageFixture, IProcessFixture, IDisposable
{
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
        return await SqliteStorage.OpenAsync(options, time);
    }

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
