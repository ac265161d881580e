namespace Cedros.Storage;

/// <summary>
/// The database schema does not match this library: it is behind (migrations are pending and
/// <c>storage.migrations</c> is <c>verify</c>) or ahead (written by a newer library; never opened, whatever the policy).
/// Kind <see cref="StorageErrorKind.Internal"/>: not transient, fixed by migrating or upgrading.
/// </summary>
public sealed class StorageSchemaVersionException : StorageException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="backend">Backend name for the message (<c>SQLite</c>, <c>PostgreSQL</c>).</param>
    /// <param name="appliedVersion">Newest version recorded in the database (0: none).</param>
    /// <param name="knownVersion">Newest version this library knows.</param>
    /// <param name="pending">Migrations this library has that the database lacks (<c>0004_name</c>).</param>
    public StorageSchemaVersionException(string backend, long appliedVersion, long knownVersion, IReadOnlyList<string> pending)
        : base(StorageErrorKind.Internal, Describe(backend, appliedVersion, knownVersion, pending))
    {
        AppliedVersion = appliedVersion;
        KnownVersion = knownVersion;
        Pending = pending;
    }

    /// <summary>Newest migration version recorded in the database (0 when it has none).</summary>
    public long AppliedVersion { get; }

    /// <summary>Newest migration version this library knows.</summary>
    public long KnownVersion { get; }

    /// <summary>The migrations the database lacks, as <c>NNNN_name</c>, in order (empty when it is ahead).</summary>
    public IReadOnlyList<string> Pending { get; }

    /// <summary>True when the database is newer than the library.</summary>
    public bool IsAhead => AppliedVersion > KnownVersion;

    private static string Describe(string backend, long applied, long known, IReadOnlyList<string> pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (applied > known)
            return $"the {backend} database schema is at version {applied}, newer than this library knows ({known}); upgrade the library.";
        var which = pending.Count == 0 ? "" : $"; pending: {string.Join(", ", pending)}";
        return $"the {backend} database schema is at version {applied}, behind this library's version {known} " +
               $"({pending.Count} migration(s) pending{which}); run 'cedros-storage migrate' or set storage.migrations = apply.";
    }
}
