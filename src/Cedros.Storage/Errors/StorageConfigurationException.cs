namespace Cedros.Storage;

/// <summary>
/// Invalid configuration, or a deployment that does not match it: raised at start-up for a bad setting, and by the
/// backends when the database says the configuration is wrong (the database does not exist, the password is wrong,
/// the role lacks a permission, the SQLite file is not a database or its directory is missing). Names the offending
/// key. Kind <see cref="StorageErrorKind.Validation"/>: not transient (retrying will not help) and not a bug.
/// </summary>
public sealed class StorageConfigurationException : StorageException
{
    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    public StorageConfigurationException(string key, string message)
        : this(key, message, innerException: null)
    {
    }

    /// <summary>Creates the exception for <paramref name="key"/>, keeping the driver's exception.</summary>
    public StorageConfigurationException(string key, string message, Exception? innerException)
        : base(StorageErrorKind.Validation, $"invalid configuration '{key}': {message}", innerException) => Key = key;

    /// <summary>The configuration key, e.g. <c>storage.schema_mapping.payments.table_name</c>.</summary>
    public string Key { get; }
}
