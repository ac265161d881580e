namespace Cedros.Storage.Cli.Tests;

/// <summary>Command-line and configuration handling that needs no working database.</summary>
public sealed class UsageTests : IDisposable
{
    private const string UnreachablePostgres = "Host=127.0.0.1;Port=1;Username=x;Password=secret;Timeout=3";
    private readonly string _dir = Directory.CreateTempSubdirectory("cedros-cli-usage-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private Task<CliResult> Cli(params string[] args) => CliProcess.RunAsync(_dir, args);

    [Theory]
    [InlineData("status", "--no-such-option")]
    [InlineData("no-such-command")]
    [InlineData("--backend", "oracle", "status")]
    [InlineData("webhooks", "list", "--limit", "0")]
    [InlineData("webhooks", "list", "--limit", "many")]
    [InlineData("webhooks", "list", "--status", "lost")]
    [InlineData("webhooks", "retry")]
    [InlineData("status", "--tenant", "not a tenant!")]
    [InlineData("archive", "--older-than", "yesterday-ish")]
    [InlineData("cleanup", "--webhook-retention", "-5h")]
    [InlineData("payments", "check")]
    public async Task Bad_command_lines_exit_with_2_and_write_nothing_on_stdout(params string[] args)
    {
        var r = await Cli(args);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal("", r.Stdout);
        Assert.NotEqual("", r.Stderr.Trim());
    }

    [Fact]
    public async Task No_command_prints_usage_and_exits_with_2()
    {
        var r = await Cli();
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--help", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_exits_with_0_and_lists_the_commands()
    {
        var r = await Cli("--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var command in new[] { "migrate", "config", "status", "archive", "cleanup", "webhooks", "payments" })
            Assert.Contains(command, r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_masks_the_password_of_a_key_value_connection_string()
    {
        var r = await Cli("config", "check", "--backend", "postgres", "--connection-string", UnreachablePostgres, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("secret", r.Stdout + r.Stderr, StringComparison.Ordinal);
        var settings = r.Json().GetProperty("settings");
        Assert.Equal("postgres", settings.GetProperty("storage.backend").GetString());
        Assert.Equal("Host=127.0.0.1;Port=1;Username=x;Password=****;Timeout=3",
            settings.GetProperty("storage.postgres.connection_string").GetString());

        var table = await Cli("config", "check", "--backend", "postgres", "--connection-string", UnreachablePostgres);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.DoesNotContain("secret", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("Password=****", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_accepts_the_dotnet_conventions_and_days()
    {
        var file = Path.Combine(_dir, "appsettings.pascal.json");
        await File.WriteAllTextAsync(file, """
            {
              "ConnectionStrings": { "Cedros": "Host=127.0.0.1;Port=1;Username=x;Password=Zq9secretpw" },
              "Storage": { "Backend": "postgres", "Migrations": "verify", "Archival": { "RetentionPeriod": "90d" } }
            }
            """);
        var r = await Cli("config", "check", "--json", "--config", file);
        Assert.True(r.ExitCode == 0, r.ToString());
        var settings = r.Json().GetProperty("settings");
        Assert.Equal("Host=127.0.0.1;Port=1;Username=x;Password=****", settings.GetProperty("storage.postgres.connection_string").GetString());
        Assert.Equal("2160h", settings.GetProperty("storage.archival.retention_period").GetString());
        Assert.Equal("verify", settings.GetProperty("storage.migrations").GetString());
        Assert.Equal("postgres", settings.GetProperty("storage.backend").GetString());

        await File.WriteAllTextAsync(file, """{ "Storage": { "Archival": { "Enable": true } } }""");
        var typo = await Cli("config", "check", "--config", file);
        Assert.True(typo.ExitCode == 2, typo.ToString());
        Assert.Contains("storage.Archival.Enable", typo.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Username=x;PSW=Zq9secretpw;Timeout=3")]
    [InlineData("Host=127.0.0.1;Port=1;Username=x;pwd='Zq9secretpw';Timeout=3")]
    [InlineData("Host=127.0.0.1;Port=1;Username=x;PASSWORD = \"Zq9secretpw\";Timeout=3")]
    public async Task Config_check_masks_every_spelling_of_the_password_key(string connectionString)
    {
        var r = await Cli("config", "check", "--backend", "postgres", "--connection-string", connectionString, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("Zq9secretpw", r.Stdout + r.Stderr, StringComparison.Ordinal);
        Assert.Equal("Host=127.0.0.1;Port=1;Username=x;Password=****;Timeout=3",
            r.Json().GetProperty("settings").GetProperty("storage.postgres.connection_string").GetString());

        var table = await Cli("config", "check", "--backend", "postgres", "--connection-string", connectionString);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.DoesNotContain("Zq9secretpw", table.Stdout + table.Stderr, StringComparison.Ordinal);

        var env = await CliProcess.RunAsync(_dir, ["config", "check", "--json", "--backend", "postgres"],
            new Dictionary<string, string> { ["POSTGRES_URL"] = connectionString });
        Assert.True(env.ExitCode == 0, env.ToString());
        Assert.DoesNotContain("Zq9secretpw", env.Stdout + env.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_line_masks_the_password_but_not_words_that_equal_it()
    {
        // The password is "postgres": the line must still say which backend failed, and must not show the URL's password.
        var r = await CliProcess.RunAsync(_dir, ["status", "--backend", "postgres"],
            new Dictionary<string, string> { ["POSTGRES_URL"] = "postgres://app:postgres@127.0.0.1:1/payments?connect_timeout=3" });
        Assert.True(r.ExitCode == 1, r.ToString());
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("opening the postgres storage failed", line, StringComparison.Ordinal);
        Assert.DoesNotContain("****", line, StringComparison.Ordinal);
        Assert.DoesNotContain("app:postgres", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_masks_the_password_of_a_url_from_the_environment()
    {
        var r = await CliProcess.RunAsync(_dir, ["config", "check", "--json"], new Dictionary<string, string>
        {
            ["storage__backend"] = "postgres",
            ["CEDROS_STORAGE_POSTGRES_URL"] = "postgres://app:s3cr%3Bet@db.internal:6543/payments?sslmode=require",
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("s3cr", r.Stdout, StringComparison.Ordinal);
        var cs = r.Json().GetProperty("settings").GetProperty("storage.postgres.connection_string").GetString()!;
        Assert.Contains("Host=db.internal", cs, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Port=6543", cs, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Database=payments", cs, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("SSL Mode=require", cs, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Password=****", cs, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Config_check_binds_like_the_library_and_the_options_override_it()
    {
        var file = Path.Combine(_dir, "appsettings.json");
        await File.WriteAllTextAsync(file, """
            {
              "storage": {
                "backend": "postgres",
                "postgres": { "connection_string": "Host=file;Password=filepass" },
                "sqlite": { "path": "file.db", "synchronous": "normal" },
                "archival": { "run_interval": "12h", "archive_table": "" },
                "schema_mapping": { "payments": { "table_name": "ledger" } }
              }
            }
            """);
        var r = await CliProcess.RunAsync(_dir, ["config", "check", "--json", "--config", file, "--backend", "sqlite"],
            new Dictionary<string, string>
            {
                // The seed's variables fill keys the configuration leaves unset; a configured key wins (as in the library).
                ["CEDROS_STORAGE_ARCHIVAL_RETENTION_PERIOD"] = "1h30m",
                ["CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL"] = "1h",
                ["storage__cleanup__interval"] = "5m",
            });
        Assert.True(r.ExitCode == 0, r.ToString());
        var s = r.Json().GetProperty("settings");
        Assert.Equal("sqlite", s.GetProperty("storage.backend").GetString());
        Assert.Equal(Path.Combine(_dir, "file.db"), s.GetProperty("storage.sqlite.path").GetString());
        Assert.Equal("normal", s.GetProperty("storage.sqlite.synchronous").GetString());
        Assert.Equal("1h30m", s.GetProperty("storage.archival.retention_period").GetString());
        Assert.Equal("12h", s.GetProperty("storage.archival.run_interval").GetString());
        Assert.Equal("5m", s.GetProperty("storage.cleanup.interval").GetString());
        Assert.Equal("ledger", s.GetProperty("storage.schema_mapping.payments.table_name").GetString());
        Assert.Equal("Host=file;Password=****", s.GetProperty("storage.postgres.connection_string").GetString());
        Assert.StartsWith("(none", s.GetProperty("storage.archival.archive_table").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("filepass", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "storage": { "schema_mapping": { "payments": { "table_name": "drop table;" } } } }""", "storage.schema_mapping.payments.table_name")]
    [InlineData("""{ "storage": { "archival": { "retention_period": "ninety days" } } }""", "storage.archival.retention_period")]
    [InlineData("""{ "storage": { "backend": "postgres" } }""", "storage.postgres.connection_string")]
    [InlineData("""{ "storage": { "sqlite": { "paht": "typo.db" } } }""", "storage.sqlite.paht")]
    [InlineData("""{ "storage": """, "--config")]
    public async Task Invalid_configuration_exits_with_2_naming_the_key(string json, string key)
    {
        var file = Path.Combine(_dir, "appsettings.json");
        await File.WriteAllTextAsync(file, json);
        var r = await Cli("config", "check", "--config", file);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(key, r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_missing_config_file_exits_with_2()
    {
        var r = await Cli("status", "--config", Path.Combine(_dir, "nope.json"));
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("nope.json", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("status")]
    [InlineData("webhooks", "list")]
    public async Task Unreachable_postgres_exits_with_1_and_one_line_without_the_password(params string[] command)
    {
        var r = await Cli([.. command, "--backend", "postgres", "--connection-string", UnreachablePostgres]);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.DoesNotContain("secret", r.Stdout + r.Stderr, StringComparison.Ordinal);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("postgres", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("statsu", "Did you mean 'status'?")]
    [InlineData("webhooks lsit", "Did you mean 'list'?")]
    [InlineData("status --jsno", "Did you mean '--json'?")]
    [InlineData("migrate --dryrun", "Did you mean '--dry-run'?")]
    public async Task A_typo_gets_a_suggestion(string commandLine, string suggestion)
    {
        var r = await Cli(commandLine.Split(' '));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(suggestion, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_json_a_usage_error_is_json_on_stderr()
    {
        var r = await Cli("webhooks", "list", "--limit", "0", "--json");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stderr);
        Assert.Equal("usage", doc.RootElement.GetProperty("error").GetProperty("kind").GetString());
        Assert.Contains("--limit", doc.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_memory_backend_answers_status()
    {
        var r = await Cli("status", "--backend", "memory", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("memory", r.Json().GetProperty("backend").GetString());
        Assert.Equal(0, r.Json().GetProperty("webhooks").GetProperty("pending").GetInt64());
    }
}
