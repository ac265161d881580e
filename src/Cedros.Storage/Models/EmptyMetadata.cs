using System.Collections.ObjectModel;

namespace Cedros.Storage;

/// <summary>The shared empty metadata map.</summary>
public static class EmptyMetadata
{
    /// <summary>An empty, read-only map.</summary>
    public static IReadOnlyDictionary<string, string> Instance { get; } = ReadOnlyDictionary<string, string>.Empty;
}
