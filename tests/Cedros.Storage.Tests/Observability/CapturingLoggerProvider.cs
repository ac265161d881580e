using Microsoft.Extensions.Logging;

namespace Cedros.Storage.Tests.Observability;

public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message);

/// <summary>Collects every log entry of every logger it creates.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<CapturedLog> _entries = [];

    public IReadOnlyList<CapturedLog> Entries
    {
        get
        {
            lock (_entries)
                return _entries.ToList();
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._entries)
                owner._entries.Add(new CapturedLog(category, logLevel, eventId, formatter(state, exception)));
        }
    }
}
