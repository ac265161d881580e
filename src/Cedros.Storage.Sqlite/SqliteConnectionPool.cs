using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// The storage's own pool of open SQLite connections, each with its settings applied once (pragmas, the search
/// function) and its statements kept prepared (<see cref="SqliteSession"/>'s cache). Microsoft.Data.Sqlite's pool
/// keeps the handle but not what was set on it, so every open re-ran the pragmas and re-prepared every statement:
/// most of a point read's cost (docs/benchmarks.md). A connection goes back only with no transaction open; one that
/// failed mid-transaction is closed instead.
/// </summary>
internal sealed class SqliteConnectionPool(Func<SqliteConnection> open) : IDisposable
{
    /// <summary>Idle connections kept; more are closed on return (a burst of callers does not pin file handles).</summary>
    private const int MaxIdle = 16;

    private readonly ConcurrentStack<SqliteSession> _idle = new();
    private volatile bool _disposed;

    public SqliteSession Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _idle.TryPop(out var session) ? session : new SqliteSession(open());
    }

    public void Return(SqliteSession session)
    {
        if (!_disposed && session.IsReusable && _idle.Count < MaxIdle)
        {
            _idle.Push(session);
            if (!_disposed) return;
        }
        Close(session);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var session)) Close(session);
    }

    private static void Close(SqliteSession session)
    {
        session.Dispose();
        session.Connection.Dispose();
    }
}
