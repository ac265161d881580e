namespace Cedros.Storage;

/// <summary>Invalid configuration; raised at start-up and names the offending key.</summary>
public sealed class StorageConfigurationException(string key, string message)
    : StorageException(StorageErrorKind.Validation, $"invalid configuration '{key}': {message}")
{
    /// <summary>The configuration key, e.g. <c>storage.schema_mapping.payments.table_name</c>.</summary>
    public string Key { get; } = key;
}
