using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// The one place where SQLite errors become <see cref="StorageException"/>s, by result code, never by message text.
/// Messages name the operation only: never the file path or connection string.
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

    /// <summary>True for SQLITE_BUSY / SQLITE_LOCKED (and their extended codes): the file lock was not free in time.</summary>
    public static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode is Busy or Locked;

    /// <summary>True for a primary-key or unique violation.</summary>
    public static bool IsUniqueViolation(SqliteException ex) =>
        ex.SqliteExtendedErrorCode is ConstraintPrimaryKey or ConstraintUnique;

    /// <summary>Translates a driver exception (inner exception kept).</summary>
    public static StorageException Translate(SqliteException ex)
    {
        if (IsUniqueViolation(ex))
            return new StorageConflictException("a row with the same key already exists.", ex);
        if (IsBusy(ex))
            return new StorageUnavailableException("the SQLite database stayed locked by another writer past the busy timeout; retry.", ex);
        return ex.SqliteErrorCode switch
        {
            Constraint => new StorageException(StorageErrorKind.Validation, "a value broke a database constraint.", ex),
            Full or IoErr or CantOpen => new StorageUnavailableException($"the SQLite database could not be read or written (code {ex.SqliteExtendedErrorCode}).", ex),
            _ => new StorageException(StorageErrorKind.Internal, $"SQLite error {ex.SqliteExtendedErrorCode}.", ex),
        };
    }
}
