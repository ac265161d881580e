using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Cedros.Storage.Schema;

/// <summary>One embedded migration script: its version, name, text (line endings normalised to LF) and checksum.</summary>
internal sealed record MigrationScript(int Version, string Name, string Text, string Checksum);

/// <summary>
/// The database-independent half of a migration runner: finding the embedded <c>Migrations/NNNN_name.sql</c> scripts of
/// a backend assembly and checksumming them. Locking, transactions and the history table stay in each backend.
/// </summary>
internal static partial class MigrationScripts
{
    /// <summary>The <c>Migrations.NNNN_name.sql</c> resources of <paramref name="assembly"/>, ordered by version.</summary>
    public static IReadOnlyList<MigrationScript> Load(Assembly assembly)
    {
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = Normalise(reader.ReadToEnd());
            scripts.Add(new MigrationScript(int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value,
                text, Checksum(text)));
        }
        return scripts.OrderBy(s => s.Version).ToList().AsReadOnly();
    }

    /// <summary>
    /// Lower-case hex SHA-256 of the script's UTF-8 text with CRLF read as LF, so a checkout's line endings never make an
    /// applied script look changed. (Recorded in the history table: never change what this is computed over.)
    /// </summary>
    public static string Checksum(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalise(text))));

    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    [GeneratedRegex(@"Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql\z", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceName();
}
