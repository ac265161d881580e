using System.CommandLine;
using Cedros.Storage.Configuration;
using Cedros.Storage.InMemory;
using Cedros.Storage.Postgres;
using Cedros.Storage.Sqlite;

namespace Cedros.Storage.Cli;

/// <summary>What a command's body gets: the parsed command line, the effective options, the clock, and a way to open
/// the configured storage.</summary>
internal sealed class CommandContext(ParseResult parseResult, StorageOptions options, TimeProvider time)
{
    /// <summary>The parsed command line.</summary>
    public ParseResult ParseResult { get; } = parseResult;

    /// <summary>Effective, validated storage options.</summary>
    public StorageOptions Options { get; } = options;

    /// <summary>The clock (system time).</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>True when <c>--json</c> was given.</summary>
    public bool Json => ParseResult.GetValue(CliOptions.Json);

    /// <summary>What the command is doing now; named in the error line if it fails.</summary>
    public string Step { get; set; } = "loading configuration";

    /// <summary>The backend name as written in configuration.</summary>
    public string BackendName => Output.BackendName(Options.Backend);

    /// <summary>Where the data lives, safe to print: the SQLite file's full path, or the masked connection string.</summary>
    public string Target => Options.Backend switch
    {
        StorageBackend.Sqlite => Path.GetFullPath(Options.Sqlite.Path),
        StorageBackend.Postgres => Secrets.MaskConnectionString(Options.Postgres.ConnectionString) ?? "",
        _ => "(in memory)",
    };

    /// <summary>
    /// Opens the configured backend without creating or migrating anything: <c>storage.migrations = apply</c> is read
    /// as <c>verify</c> here (a missing SQLite file or a schema behind or ahead fails), <c>none</c> is kept. Only
    /// <c>migrate</c> changes the schema (<see cref="OpenAndMigrateAsync"/>).
    /// </summary>
    public Task<ICedrosStorage> OpenAsync(CancellationToken cancellationToken) =>
        OpenAsync(Options.Migrations == MigrationPolicy.None ? MigrationPolicy.None : MigrationPolicy.Verify, cancellationToken);

    /// <summary>Opens the configured backend, creating the SQLite file and applying pending migrations.</summary>
    public Task<ICedrosStorage> OpenAndMigrateAsync(CancellationToken cancellationToken) => OpenAsync(MigrationPolicy.Apply, cancellationToken);

    private async Task<ICedrosStorage> OpenAsync(MigrationPolicy policy, CancellationToken cancellationToken)
    {
        Step = $"opening the {BackendName} storage";
        var previous = Options.Migrations;
        Options.Migrations = policy;
        try
        {
            return Options.Backend switch
            {
                StorageBackend.Sqlite => await SqliteStorage.OpenAsync(Options, Time, cancellationToken).ConfigureAwait(false),
                StorageBackend.Postgres => await PostgresStorage.OpenAsync(Options, Time, cancellationToken).ConfigureAwait(false),
                _ => new InMemoryStorage(Options, Time),
            };
        }
        finally
        {
            Options.Migrations = previous;
        }
    }
}
