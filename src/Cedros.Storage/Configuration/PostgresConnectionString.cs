using System.Data.Common;

namespace Cedros.Storage.Configuration;

/// <summary>
/// Normalises a PostgreSQL connection string: the URL form <c>postgres://user:pass@host:port/db?sslmode=require</c>
/// (user and password percent-decoded, <c>sslmode</c> kept) becomes the key=value form Npgsql reads; a key=value string
/// is returned unchanged. Pure text conversion: no driver needed.
/// </summary>
internal static class PostgresConnectionString
{
    private const string Key = "storage.postgres.connection_string";

    /// <summary>The key=value form of <paramref name="value"/>. Invalid input → <see cref="StorageConfigurationException"/>
    /// whose message never contains the password.</summary>
    public static string ToKeyValue(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new StorageConfigurationException(Key, "a connection string is required.");
        var text = value.Trim();
        if (!IsUrl(text)) return text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new StorageConfigurationException(Key, "the postgres:// URL could not be parsed.");

        var builder = new DbConnectionStringBuilder();
        builder["Host"] = uri.Host.Trim('[', ']');
        if (!uri.IsDefaultPort && uri.Port > 0) builder["Port"] = uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = colon < 0 ? uri.UserInfo : uri.UserInfo[..colon];
            if (user.Length > 0) builder["Username"] = Uri.UnescapeDataString(user);
            if (colon >= 0) builder["Password"] = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder["Database"] = database;
        foreach (var (name, raw) in Query(uri.Query))
        {
            switch (name.ToLowerInvariant())
            {
                case "sslmode":
                    builder["SSL Mode"] = SslMode(raw);
                    break;
                case "connect_timeout":
                    builder["Timeout"] = raw;
                    break;
                case "application_name":
                    builder["Application Name"] = raw;
                    break;
                case "options":
                    builder["Options"] = raw;
                    break;
                default:
                    throw new StorageConfigurationException(Key, $"the URL parameter '{name}' is not supported (use the key=value form).");
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>True for <c>postgres://</c> and <c>postgresql://</c> URLs.</summary>
    public static bool IsUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<(string Name, string Value)> Query(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            yield return (name, value);
        }
    }

    private static string SslMode(string value) => value.ToLowerInvariant() switch
    {
        "disable" => "Disable",
        "allow" => "Allow",
        "prefer" => "Prefer",
        "require" => "Require",
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => throw new StorageConfigurationException(Key, $"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full."),
    };
}
