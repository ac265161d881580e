using System.Text.RegularExpressions;
using Cedros.Storage.Configuration;

namespace Cedros.Storage.Cli;

/// <summary>Keeps passwords out of everything the tool prints.</summary>
internal static partial class Secrets
{
    private const string Mask = "****";

    /// <summary>The connection string with its password (key=value or URL form) replaced by <c>****</c>.</summary>
    public static string? MaskConnectionString(string? connectionString)
    {
        if (connectionString is null) return null;
        var masked = KeyValuePassword().Replace(connectionString, m => m.Groups["key"].Value + "=" + Mask);
        return UrlPassword().Replace(masked, m => m.Groups["prefix"].Value + Mask + "@");
    }

    /// <summary>Removes the configured password (raw and as it appears in a URL) from a message.</summary>
    public static string Scrub(string message, StorageOptions? options)
    {
        var scrubbed = MaskConnectionString(message) ?? message;
        foreach (var password in PasswordsOf(options?.Postgres.ConnectionString))
            scrubbed = scrubbed.Replace(password, Mask, StringComparison.Ordinal);
        return scrubbed;
    }

    private static IEnumerable<string> PasswordsOf(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString)) yield break;
        foreach (Match m in KeyValuePassword().Matches(connectionString))
        {
            var value = m.Groups["value"].Value.Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
                value = value[1..^1];
            if (value.Length >= 3) yield return value;
        }
        foreach (Match m in UrlPassword().Matches(connectionString))
        {
            var value = m.Groups["password"].Value;
            if (value.Length >= 3)
            {
                yield return value;
                yield return Uri.UnescapeDataString(value);
            }
        }
    }

    [GeneratedRegex(@"(?<key>\b(password|pwd)\s*)=\s*(?<value>""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValuePassword();

    [GeneratedRegex(@"(?<prefix>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?<password>[^@\s]*)@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}
