using System.CommandLine;
using Cedros.Storage.Configuration;

namespace Cedros.Storage.Cli;

/// <summary>Options every command accepts (recursive on the root command).</summary>
internal static class CliOptions
{
    /// <summary><c>--config &lt;appsettings.json&gt;</c>.</summary>
    public static readonly Option<string?> Config = new("--config")
    {
        Description = "appsettings.json file whose 'storage' section configures the storage",
        HelpName = "file",
        Recursive = true,
    };

    /// <summary><c>--backend sqlite|postgres|memory</c>.</summary>
    public static readonly Option<StorageBackend?> Backend = new("--backend")
    {
        Description = "Backend to open (overrides storage.backend)",
        HelpName = "sqlite|postgres|memory",
        Recursive = true,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            switch (text.ToLowerInvariant())
            {
                case "sqlite": return StorageBackend.Sqlite;
                case "postgres" or "postgresql": return StorageBackend.Postgres;
                case "memory": return StorageBackend.Memory;
                default:
                    r.AddError($"--backend '{text}' is not one of sqlite, postgres, memory.");
                    return null;
            }
        },
    };

    /// <summary><c>--sqlite-path</c>.</summary>
    public static readonly Option<string?> SqlitePath = new("--sqlite-path")
    {
        Description = "SQLite database file (overrides storage.sqlite.path)",
        HelpName = "file",
        Recursive = true,
    };

    /// <summary><c>--connection-string</c>.</summary>
    public static readonly Option<string?> ConnectionString = new("--connection-string")
    {
        Description = "PostgreSQL connection string, key=value or postgres:// URL (overrides storage.postgres.connection_string)",
        HelpName = "cs",
        Recursive = true,
    };

    /// <summary><c>--json</c>.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print plain JSON on stdout instead of tables",
        Recursive = true,
    };

    /// <summary>Adds the recursive options to the root command.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Config);
        root.Options.Add(Backend);
        root.Options.Add(SqlitePath);
        root.Options.Add(ConnectionString);
        root.Options.Add(Json);
    }

    /// <summary>The configuration overrides given on this command line.</summary>
    public static StorageOverrides OverridesOf(ParseResult result) => new(
        result.GetValue(Config), result.GetValue(Backend), result.GetValue(SqlitePath), result.GetValue(ConnectionString));

    /// <summary>A fresh <c>--tenant</c> option (default <c>default</c>, validated at parse time).</summary>
    public static Option<string> Tenant()
    {
        var option = new Option<string>("--tenant")
        {
            Description = "Tenant id",
            HelpName = "id",
            DefaultValueFactory = _ => TenantIds.Default,
        };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (!TenantIds.IsValid(value))
                r.AddError($"--tenant '{value}' is not a tenant id (1-64 characters of [A-Za-z0-9_-]).");
        });
        return option;
    }

    /// <summary>A duration option (<c>2160h</c>, <c>90m</c>, <c>1h30m</c>, or a .NET TimeSpan).</summary>
    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (TryParseDuration(text, out var value)) return value;
            r.AddError($"{name} '{text}' is not a duration (e.g. 2160h, 90m, 1h30m).");
            return null;
        },
    };

    /// <summary>An option taking one of an enum's contract words (<c>pending</c>, <c>past_due</c>…); a bad value lists them.</summary>
    public static Option<T?> Word<T>(string name, string description, string what) where T : struct, Enum
    {
        var words = Enum.GetValues<T>().Select(Internal.EnumText<T>.ToText).ToList();
        return new Option<T?>(name)
        {
            Description = description,
            HelpName = string.Join('|', words),
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                var match = Enum.GetValues<T>().Where(v => string.Equals(Internal.EnumText<T>.ToText(v), text, StringComparison.OrdinalIgnoreCase)).ToList();
                if (match.Count == 1) return match[0];
                r.AddError($"{name} '{text}' is not a {what}; use one of: {string.Join(", ", words)}.");
                return null;
            },
        };
    }

    /// <summary>An integer option limited to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> IntRange(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = $"{description} ({min}-{max})",
        HelpName = "n",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
                && value >= min && value <= max)
                return value;
            r.AddError($"{name} '{text}' must be a whole number between {min} and {max}.");
            return defaultValue;
        },
    };

    /// <summary>A non-negative duration as configuration writes it (<see cref="DurationParser"/>).</summary>
    public static bool TryParseDuration(string? text, out TimeSpan value) =>
        DurationParser.TryParse(text, out value) && value >= TimeSpan.Zero;
}
