using System.Data.Common;

namespace Cedros.Storage.Configuration;

/// <summary>
/// Normalises a PostgreSQL connection string: the URL form <c>postgres://user:pass@host:port/db?sslmode=require</c>
/// (user and password percent-decoded, <c>sslmode</c> kept) becomes the key=value form Npgsql reads; a key=value string
/// is returned unchanged. libpq's multi-host URL <c>postgres://user:pass@a:5432,b:5433/db?target_session_attrs=primary</c>
/// becomes <c>Host=a:5432,b:5433;...;Target Session Attributes=primary</c>. Pure text conversion: no driver needed.
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
        var url = ParseUrl(text);

        var builder = new DbConnectionStringBuilder();
        if (url.Hosts.Count == 1)
        {
            builder["Host"] = url.Hosts[0].Host;
            if (url.Hosts[0].Port is { } port) builder["Port"] = port;
        }
        else
        {
            // Npgsql's multi-host form: Host=a:1,b:2 (an IPv6 address keeps its brackets).
            builder["Host"] = string.Join(",", url.Hosts.Select(h =>
                (h.Host.Contains(':', StringComparison.Ordinal) ? "[" + h.Host + "]" : h.Host) + (h.Port is { } p ? ":" + p : "")));
        }
        if (url.User is { Length: > 0 } user) builder["Username"] = user;
        if (url.Password is { } password) builder["Password"] = password;
        if (url.Database is { Length: > 0 } database) builder["Database"] = database;
        foreach (var (name, raw) in Query(url.Query))
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
                case "target_session_attrs":
                    builder["Target Session Attributes"] = TargetSessionAttributes(raw);
                    break;
                case "load_balance_hosts":
                    builder["Load Balance Hosts"] = raw.ToLowerInvariant() switch
                    {
                        "random" => "true",
                        "disable" => "false",
                        _ => throw new StorageConfigurationException(Key, $"load_balance_hosts '{raw}' is not one of disable, random."),
                    };
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

    private sealed record UrlParts(IReadOnlyList<(string Host, string? Port)> Hosts, string? User, string? Password, string? Database, string Query);

    /// <summary>Splits <c>scheme://[user[:password]@]host[:port][,host[:port]...][/database][?query]</c> by hand:
    /// <see cref="Uri"/> rejects the comma-separated host list of libpq's multi-host URLs.</summary>
    private static UrlParts ParseUrl(string text)
    {
        var rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = "";
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0) (rest, query) = (rest[..q], rest[(q + 1)..]);
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0) rest = rest[..hash];
        // The password may contain '/' or '@' only percent-encoded, so the authority ends at the first '/' after the
        // last '@'.
        var at = rest.LastIndexOf('@');
        var slash = rest.IndexOf('/', at + 1);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        string? user = null, password = null;
        var hostList = authority;
        if (at >= 0)
        {
            var userInfo = authority[..at];
            hostList = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Decode(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0) password = Decode(userInfo[(colon + 1)..]);
        }
        var hosts = new List<(string, string?)>();
        foreach (var spec in hostList.Split(','))
            hosts.Add(HostAndPort(spec));
        return new UrlParts(hosts, user, password, Decode(path), query);
    }

    private static (string Host, string? Port) HostAndPort(string spec)
    {
        string host;
        string? port = null;
        if (spec.StartsWith('['))
        {
            var close = spec.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) throw Unparseable();
            host = spec[1..close];
            var after = spec[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':') throw Unparseable();
                port = after[1..];
            }
        }
        else
        {
            var colon = spec.LastIndexOf(':');
            host = colon < 0 ? spec : spec[..colon];
            if (colon >= 0) port = spec[(colon + 1)..];
        }
        host = Decode(host);
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is ',' or ';' or '/' or '@')) throw Unparseable();
        if (port is { Length: 0 }) port = null;
        if (port is not null && (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535))
            throw new StorageConfigurationException(Key, "a port of the postgres:// URL is not a number between 1 and 65535.");
        return (host, port);
    }

    private static string Decode(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            throw Unparseable();
        }
    }

    // Never quotes the URL: it may hold the password.
    private static StorageConfigurationException Unparseable() => new(Key, "the postgres:// URL could not be parsed.");

    private static string TargetSessionAttributes(string value) => value.ToLowerInvariant() switch
    {
        "any" or "read-write" or "read-only" or "primary" or "standby" or "prefer-standby" or "prefer-primary" => value.ToLowerInvariant(),
        _ => throw new StorageConfigurationException(Key, $"target_session_attrs '{value}' is not one of any, read-write, read-only, primary, standby, prefer-standby."),
    };

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
