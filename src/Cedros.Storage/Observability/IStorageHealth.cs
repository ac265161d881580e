namespace Cedros.Storage.Observability;

/// <summary>The schema version a database is at and the one this library's migrations reach.</summary>
/// <param name="Applied">The newest version recorded in the database's migration history (0: none).</param>
/// <param name="Known">The newest version among this library's migrations (0: the backend has no schema).</param>
internal readonly record struct SchemaVersion(long Applied, long Known)
{
    /// <summary>True when the database is neither behind nor ahead of the library.</summary>
    public bool Current => Applied == Known;
}

/// <summary>
/// What the health check asks a storage (<c>services.AddHealthChecks().AddCedrosStorage()</c>): one round trip to the
/// database that reads its migration history. Implemented by every backend's storage.
/// </summary>
internal interface IStorageHealth
{
    /// <summary>Reads the applied schema version; throws (<see cref="StorageUnavailableException"/> or a driver
    /// error) when the database cannot be reached.</summary>
    Task<SchemaVersion> GetSchemaVersionAsync(CancellationToken cancellationToken);
}

/// <summary>Reaches a storage's telemetry (its own <see cref="System.Diagnostics.Metrics.Meter"/>) from tests and
/// tools.</summary>
internal interface IObservedStorage
{
    /// <summary>The spans, instruments and slow-call log of this storage.</summary>
    StorageTelemetry Telemetry { get; }
}
