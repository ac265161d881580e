using System.Text.RegularExpressions;
using Cedros.Storage.Configuration;
using Npgsql;

namespace Cedros.Storage.Cli;

/// <summary>Keeps passwords out of everything the tool prints.</summary>
internal static partial class Secrets
{
    private const string Mask = "****";

    /// <summary>What is printed for a connection string that cannot be parsed (it might hold a password anywhere).</summary>
    public const string Unparseable = "(connection string hidden: it could not be parsed)";

    /// <summary>
    /// The connection string with its password replaced by <c>****</c>. The string is parsed the way the backend parses
    /// it (URL form converted, then <see cref="NpgsqlConnectionStringBuilder"/>), so every spelling of the password key
    /// (<c>Password</c>, <c>PWD</c>, <c>PSW</c>, any case, quoted or not) is found; the result is the builder's
    /// canonical key=value form. A string that does not parse is not printed at all.
    /// </summary>
    public static string? MaskConnectionString(string? connectionString)
    {
        if (connectionString is null) return null;
        if (connectionString.Length == 0) return "";
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToKeyValue(connectionString));
            if (builder.Password is not null) builder.Password = Mask;
            if (builder.SslPassword is not null) builder.SslPassword = Mask;
            return builder.ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or StorageConfigurationException or InvalidCastException)
        {
            return Unparseable;
        }
    }

    /// <summary>
    /// Removes the configured connection string from an error line: every occurrence of the whole string is replaced
    /// by its masked form, and anything in the line that is shaped like a password setting (<c>password=…</c>,
    /// <c>pwd=…</c>, <c>psw=…</c>, or the password of a <c>scheme://user:password@</c> URL) is masked. The password's
    /// text alone is never searched for, so ordinary words that happen to equal it (e.g. "postgres") stay readable.
    /// </summary>
    public static string Scrub(string message, StorageOptions? options)
    {
        var scrubbed = message;
        if (options?.Postgres.ConnectionString is { Length: > 0 } cs)
            scrubbed = scrubbed.Replace(cs, MaskConnectionString(cs), StringComparison.Ordinal);
        scrubbed = KeyValuePassword().Replace(scrubbed, m => m.Groups["key"].Value + "=" + Mask);
        return UrlPassword().Replace(scrubbed, m => m.Groups["prefix"].Value + Mask + "@");
    }

    [GeneratedRegex(@"(?<key>\b(password|pwd|psw)\s*)=\s*(?<value>""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValuePassword();

    [GeneratedRegex(@"(?<prefix>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?<password>[^@\s]*)@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}
