namespace Cedros.Storage.Schema;

/// <summary>Compares the versions a database records with the library's scripts (<c>storage.migrations = verify</c>,
/// and the "database newer than the library" refusal of every policy).</summary>
internal static class SchemaVerifier
{
    /// <summary>The scripts the database lacks (ordered), or an exception when the database is ahead.</summary>
    public static IReadOnlyList<MigrationScript> Pending(string backend, IReadOnlyList<MigrationScript> scripts, IReadOnlyCollection<long> applied)
    {
        var known = scripts.Count == 0 ? 0 : scripts.Max(s => s.Version);
        var newest = applied.Count == 0 ? 0 : applied.Max();
        if (newest > known) throw new StorageSchemaVersionException(backend, newest, known, []);
        return [.. scripts.Where(s => !applied.Contains(s.Version))];
    }

    /// <summary>Throws <see cref="StorageSchemaVersionException"/> unless every script is applied and none is newer.</summary>
    public static void Verify(string backend, IReadOnlyList<MigrationScript> scripts, IReadOnlyCollection<long> applied)
    {
        var pending = Pending(backend, scripts, applied);
        if (pending.Count == 0) return;
        var known = scripts.Count == 0 ? 0 : scripts.Max(s => s.Version);
        throw new StorageSchemaVersionException(backend, applied.Count == 0 ? 0 : applied.Max(), known,
            [.. pending.Select(p => $"{p.Version:D4}_{p.Name}")]);
    }
}
