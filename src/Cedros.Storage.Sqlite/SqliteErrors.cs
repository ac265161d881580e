using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// The one place where SQLite errors become <see cref="StorageException"/>s, by result code, never by message text.
/// Messages name the operation only, never the connection string; configuration problems (a file that is not a SQLite
/// database, a directory that does not exist) name the configured path, which is what the operator has to fix.
/// </summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int Constraint = 19;
    private const int ConstraintPrimaryKey = 1555;
    private const int ConstraintUnique = 2067;
    private const int Full = 13;
    private const int IoErr = 10;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;
    private const string PathKey = "storage.sqlite.path";

    /// <summary>True for SQLITE_BUSY / SQLITE_LOCKED (and their extended codes): the file lock was not free in time.</summary>
    public static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode is Busy or Locked;

    /// <summary>True for a primary-key or unique violation.</summary>
    public static bool IsUniqueViolation(SqliteException ex) =>
        ex.SqliteExtendedErrorCode is ConstraintPrimaryKey or ConstraintUnique;

    /// <summary>Translates a driver exception raised while opening <paramref name="path"/>: a file that is not a
    /// database, or one that cannot be opened or created because its directory is missing, is a configuration
    /// problem naming the path; anything else as <see cref="Translate(SqliteException)"/>.</summary>
    public static StorageException TranslateOpen(SqliteException ex, string path)
    {
        var full = Path.GetFullPath(path);
        if (ex.SqliteErrorCode == NotADatabase)
            return new StorageConfigurationException(PathKey, $"'{full}' is not a SQLite database (code {NotADatabase}).", ex);
        if (ex.SqliteErrorCode == CantOpen)
        {
            var directory = Path.GetDirectoryName(full);
            var what = directory is not null && !Directory.Exists(directory)
                ? $"the directory '{directory}' does not exist"
                : $"'{full}' could not be opened or created (is it a directory, or not readable and writable?)";
            return new StorageConfigurationException(PathKey, $"{what} (code {ex.SqliteExtendedErrorCode}).", ex);
        }
        return Translate(ex);
    }

    /// <summary>Translates a driver exception (inner exception kept).</summary>
    public static StorageException Translate(SqliteException ex)
    {
        if (IsUniqueViolation(ex))
            return new StorageConflictException("a row with the same key already exists.", ex);
        if (IsBusy(ex))
            return new StorageUnavailableException("the SQLite database stayed locked by another writer past the busy timeout; retry.", ex);
        return ex.SqliteErrorCode switch
        {
            NotADatabase => new StorageConfigurationException(PathKey, $"the database file is not a SQLite database (code {NotADatabase}).", ex),
            Constraint => new StorageException(StorageErrorKind.Validation, "a value broke a database constraint.", ex),
            Full or IoErr or CantOpen => new StorageUnavailableException($"the SQLite database could not be read or written (code {ex.SqliteExtendedErrorCode}).", ex),
            _ => new StorageException(StorageErrorKind.Internal, $"SQLite error {ex.SqliteExtendedErrorCode}.", ex),
        };
    }
}
