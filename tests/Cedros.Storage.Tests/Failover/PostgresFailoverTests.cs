using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Npgsql;
using Xunit.Abstractions;

namespace Cedros.Storage.Tests.Failover;

/// <summary>A test that needs the pg_auto_failover formation of <c>scripts/test-ha-start.sh</c>: it runs when
/// <c>CEDROS_TEST_HA</c> holds the formation's multi-host connection string and is reported as skipped, with the reason,
/// when it does not (scripts/test.sh starts the formation and sets it).</summary>
public sealed class HaFactAttribute : FactAttribute
{
    public const string EnvironmentVariable = "CEDROS_TEST_HA";

    public HaFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable)))
            Skip = $"{EnvironmentVariable} is not set: start the pg_auto_failover formation with "
                + "eval \"export $(scripts/test-ha-start.sh | tail -n1)\" (scripts/test.sh does this).";
    }
}

/// <summary>A test that needs the formation and one PgBouncer (transaction mode) in front of each of its data nodes
/// (<c>scripts/test-ha-pgbouncer-start.sh</c>): runs when <c>CEDROS_TEST_HA</c> and <c>CEDROS_TEST_HA_PGBOUNCER</c> (the
/// PgBouncers as a multi-host connection string) are set; scripts/test.sh starts both.</summary>
public sealed class HaPgBouncerFactAttribute : FactAttribute
{
    public const string EnvironmentVariable = "CEDROS_TEST_HA_PGBOUNCER";

    public HaPgBouncerFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(HaFactAttribute.EnvironmentVariable))
            || string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable)))
            Skip = $"{HaFactAttribute.EnvironmentVariable} or {EnvironmentVariable} is not set: start the formation and a PgBouncer per node with "
                + "eval \"export $(scripts/test-ha-start.sh | tail -n1)\"; eval \"export $(scripts/test-ha-pgbouncer-start.sh | tail -n1)\" (scripts/test.sh does this).";
    }
}

/// <summary>
/// Losing the primary of a pg_auto_failover pair (synchronous replication) under load: 8 writers record a payment
/// and enqueue its webhook in one transaction, a drain loop delivers webhooks, the primary's pg_autoctl keeper is frozen (SIGSTOP) and its postmaster and
/// backends killed with SIGKILL, the standby is promoted. Then every acknowledged payment and webhook is there exactly once, no
/// transaction is half there, writes resumed in the same process, and every failed call was Unavailable. The figures
/// (seconds without writes, failed calls by kind) go to the test output and to <c>$TMPDIR/cedros-failover-report.txt</c>.
/// Afterwards the killed node rejoins as the synchronous standby (pg_auto_failover does that), so the test can run again.
/// The same run goes once straight to the nodes (the multi-host string of the nodes) and once through one PgBouncer in
/// transaction mode per node (the multi-host string of the PgBouncers, docs/scaling.md): both tests are in this class,
/// so they never run at the same time on the one formation.
/// </summary>
public sealed class PostgresFailoverTests(ITestOutputHelper output)
{
    private const int Writers = 8;
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(60);

    [HaFact]
    public Task Killing_the_primary_loses_no_acknowledged_write_and_writes_resume_as_Unavailable_then_success() =>
        KillThePrimaryUnderLoadAsync(throughPgBouncer: false);

    [HaPgBouncerFact]
    public Task Through_a_PgBouncer_per_node_killing_the_primary_loses_no_acknowledged_write_and_writes_resume_as_Unavailable_then_success() =>
        KillThePrimaryUnderLoadAsync(throughPgBouncer: true);

    private async Task KillThePrimaryUnderLoadAsync(bool throughPgBouncer)
    {
        var ha = Environment.GetEnvironmentVariable(HaFactAttribute.EnvironmentVariable)!;
        var total = Stopwatch.StartNew();
        var admin = new NpgsqlConnectionStringBuilder(ha)
        {
            TargetSessionAttributes = "primary", HostRecheckSeconds = 1, Pooling = false, Timeout = 3, CommandTimeout = 10,
        };
        await WaitForSynchronousStandbyAsync(admin.ConnectionString, TimeSpan.FromSeconds(120));

        var schema = "failover_" + Guid.NewGuid().ToString("N")[..12];
        await AdminAsync(admin.ConnectionString, "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
        await AdminAsync(admin.ConnectionString, $"CREATE SCHEMA {schema}");
        var inSchema = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { SearchPath = $"{schema},public" }.ConnectionString;
        IReadOnlyList<int> frozenKeeper = [];
        try
        {
            var options = new StorageOptions { Backend = StorageBackend.Postgres };
            if (throughPgBouncer)
            {
                // The PgBouncers' multi-host string as docs/scaling.md gives it (no Search Path: PgBouncer 1.18 refuses
                // the startup parameter), the tables placed in the schema through the schema mapping.
                options.Postgres.ConnectionString = Environment.GetEnvironmentVariable(HaPgBouncerFactAttribute.EnvironmentVariable)!;
                options.Postgres.PreparedStatements = false; // PgBouncer 1.18 (docs/scaling.md)
                Backends.PgBouncerFixture.Qualify(options, schema);
            }
            else
            {
                // The formation's string as an operator would give it: no recheck or session attribute tuning here.
                options.Postgres.ConnectionString = new NpgsqlConnectionStringBuilder(ha) { SearchPath = $"{schema},public" }.ConnectionString;
            }
            options.Postgres.MaxPoolSize = 20;
            options.Postgres.CommandTimeout = TimeSpan.FromSeconds(5);
            options.Webhooks.VisibilityTimeout = TimeSpan.FromSeconds(3);
            if (throughPgBouncer)
            {
                // The operator's step after a failover (docs/scaling.md): each PgBouncer still greets new clients with the
                // role (in_hot_standby) its node had when it first connected, until RECONNECT; the previous failover (the
                // direct test) swapped the roles.
                await ReconnectPgBouncersAsync(options.Postgres.ConnectionString);
            }
            await using var storage = await PostgresStorage.OpenAsync(options);
            var tenant = storage.Default;

            var clock = Stopwatch.StartNew();
            var acked = new ConcurrentDictionary<string, bool>();
            var unresolved = new ConcurrentDictionary<string, bool>();
            var completions = new ConcurrentQueue<(TimeSpan Started, TimeSpan Done)>();
            var failures = new ConcurrentDictionary<string, int>();
            var wrong = new ConcurrentQueue<string>();
            var delivered = new ConcurrentDictionary<string, int>();
            using var stopWriters = new CancellationTokenSource();
            using var stopDrain = new CancellationTokenSource();

            void Failed(string who, Exception ex)
            {
                var kind = ex is StorageException se ? se.Kind.ToString() : "raw " + ex.GetType().Name;
                failures.AddOrUpdate($"{who} {kind}", 1, (_, n) => n + 1);
                // A drain's acknowledgement refused as Conflict or NotFound is a lost claim, and the webhook is delivered
                // again: Conflict when the failover discarded the claim or its lease lapsed during the outage (the
                // contract's answer to a lost lease); NotFound when the acknowledgement reached a server that does not
                // hold the row: the restarted old primary, still answering as primary until the monitor demotes it, for
                // a webhook enqueued and claimed on the promoted standby (seen once, 25 Nov; docs/operations.md). A
                // webhook really lost fails "webhooks not delivered" below.
                var lostClaim = who == "drain" && ex is StorageException { Kind: StorageErrorKind.Conflict or StorageErrorKind.NotFound };
                if (ex is not StorageException { Kind: StorageErrorKind.Unavailable } && !lostClaim)
                    wrong.Enqueue($"{who}: {ex.GetType().Name}: {ex.Message}");
            }

            async Task Writer(int w)
            {
                for (var i = 0; !stopWriters.IsCancellationRequested; i++)
                {
                    var sig = $"fo{w}x{i}";
                    var firstTry = clock.Elapsed;
                    while (true)
                    {
                        var started = clock.Elapsed;
                        try
                        {
                            var recorded = await tenant.InTransactionAsync(async (s, ct) =>
                            {
                                if (!await s.TryRecordPaymentAsync(Payment(sig), ct)) return false;
                                await s.EnqueueWebhookAsync(Webhook(sig), ct);
                                return true;
                            });
                            completions.Enqueue((started, clock.Elapsed));
                            // A retry after Unavailable carries the same attempt id: finding its own earlier commit is success.
                            if (recorded) acked[sig] = true;
                            else wrong.Enqueue($"writer: signature {sig} refused as a replay");
                            break;
                        }
                        catch (Exception ex)
                        {
                            Failed("write", ex);
                            if (ex is not StorageException { Kind: StorageErrorKind.Unavailable }) break;
                            if (clock.Elapsed - firstTry > RetryFor)
                            {
                                unresolved[sig] = true;
                                break;
                            }
                            await Task.Delay(20);
                        }
                    }
                }
            }

            async Task Drain()
            {
                while (!stopDrain.IsCancellationRequested)
                {
                    try
                    {
                        var batch = await tenant.DequeueWebhooksAsync(50);
                        foreach (var webhook in batch)
                        {
                            // Delivered here, before the acknowledgement, as a dispatcher posts before it acks: an ack
                            // that committed but answered Unavailable (the failover cut its reply) leaves the webhook
                            // delivered and marked success; counted after the ack it read as "not delivered" (27 Nov).
                            delivered.AddOrUpdate(webhook.Id, 1, (_, n) => n + 1);
                            await tenant.MarkWebhookSuccessAsync(webhook.Id, webhook.ClaimToken!);
                        }
                        if (batch.Count == 0) await Task.Delay(20);
                    }
                    catch (Exception ex)
                    {
                        Failed("drain", ex);
                        await Task.Delay(20);
                    }
                }
            }

            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => Writer(w))).ToArray();
            var drain = Task.Run(Drain);
            await Task.Delay(TimeSpan.FromSeconds(3));

            var primary = await PrimaryAsync(admin.ConnectionString);
            var standby = OtherHost(ha, primary.Port);
            // The node is lost, not just its server: its pg_autoctl keeper is frozen first, so it cannot restart the
            // postmaster before the monitor notices (it did within a second, and then no failover happened).
            frozenKeeper = await NodeKeeperAsync(primary.Pid);
            await SignalAsync("STOP", frozenKeeper);
            // SIGKILL of the postmaster and every backend at once, as when the machine dies: orphaned backends would
            // otherwise go on committing for a moment.
            await SignalAsync("KILL", [primary.Pid, .. await ChildrenAsync(primary.Pid)]);
            var killedAt = clock.Elapsed;
            var ackedBeforeKill = acked.Count;
            var promotedAt = await WaitForPromotionAsync(standby, clock, TimeSpan.FromSeconds(60));
            await SignalAsync("CONT", frozenKeeper); // the old primary's keeper restarts it and it rejoins as standby
            frozenKeeper = [];

            // Writes must resume in this process, without reopening the storage.
            var resumeDeadline = clock.Elapsed + TimeSpan.FromSeconds(60);
            while (completions.Count(c => c.Started > killedAt) < 200 && clock.Elapsed < resumeDeadline)
                await Task.Delay(100);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stopWriters.CancelAsync();
            await Task.WhenAll(writers);

            // Deliver what is left, then stop the drain.
            var drainDeadline = clock.Elapsed + TimeSpan.FromSeconds(30);
            while (clock.Elapsed < drainDeadline && await ScalarAsync(inSchema, $"SELECT count(*) FROM {Tables(options).Webhooks} WHERE status <> 'success'") > 0)
                await Task.Delay(200);
            await stopDrain.CancelAsync();
            await drain;

            // What the database holds, read from the new primary.
            var payments = await ColumnAsync(inSchema, $"SELECT signature FROM {Tables(options).Payments}");
            var webhooks = await ColumnAsync(inSchema, $"SELECT id || ' ' || status FROM {Tables(options).Webhooks}");
            var paymentSet = payments.ToHashSet();
            var webhookStatus = webhooks.Select(x => x.Split(' ')).ToDictionary(x => x[0], x => x[1]);

            var afterKill = completions.Where(c => c.Started > killedAt).Select(c => c.Done).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            var dones = completions.Select(c => c.Done).Where(d => d > killedAt - TimeSpan.FromSeconds(2)).Order().ToList();
            var lastBefore = completions.Select(c => c.Done).Where(d => d <= killedAt).DefaultIfEmpty(killedAt).Max();
            var longestGap = dones.Zip(dones.Skip(1), (a, b) => b - a).DefaultIfEmpty(TimeSpan.Zero).Max();
            var committedUnacked = paymentSet.Where(s => !acked.ContainsKey(s)).ToList();

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"failover run {DateTimeOffset.UtcNow:u}{(throughPgBouncer ? " through a PgBouncer per node (transaction mode)" : "")}: killed the primary postmaster pid {primary.Pid} (port {primary.Port}) at +{killedAt.TotalSeconds:F1}s with {ackedBeforeKill} payments acknowledged");
            report.AppendLine(CultureInfo.InvariantCulture, $"  standby {standby} accepted writes {(promotedAt - killedAt).TotalSeconds:F1}s after the kill; first write by the library that started after the kill completed {(afterKill == TimeSpan.MaxValue ? double.NaN : (afterKill - killedAt).TotalSeconds):F1}s after the kill ({(afterKill == TimeSpan.MaxValue ? double.NaN : (afterKill - promotedAt).TotalSeconds):F1}s after the standby accepted writes)");
            report.AppendLine(CultureInfo.InvariantCulture, $"  seconds without writes: {(afterKill == TimeSpan.MaxValue ? double.NaN : (afterKill - lastBefore).TotalSeconds):F1} (longest gap between completed writes {longestGap.TotalSeconds:F1}s)");
            report.AppendLine(CultureInfo.InvariantCulture, $"  payments acknowledged {acked.Count}, in the database {payments.Count}, webhooks {webhooks.Count}, delivered {delivered.Count} ({delivered.Count(d => d.Value > 1)} more than once)");
            report.AppendLine(CultureInfo.InvariantCulture, $"  failed calls: {(failures.IsEmpty ? "none" : string.Join(", ", failures.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}")))}");
            report.AppendLine(CultureInfo.InvariantCulture, $"  unresolved after {RetryFor.TotalSeconds:F0}s: {unresolved.Count}; committed but never acknowledged: {committedUnacked.Count}");
            report.AppendLine(CultureInfo.InvariantCulture, $"  acknowledged payments missing: {acked.Keys.Count(s => !paymentSet.Contains(s))}; partial transactions: {paymentSet.Count(s => !webhookStatus.ContainsKey(WebhookId(s))) + webhookStatus.Keys.Count(id => !paymentSet.Contains(id["wh-".Length..]))}");
            if (!wrong.IsEmpty) report.AppendLine("  not Unavailable: " + string.Join("; ", wrong.Take(5)));
            report.AppendLine(CultureInfo.InvariantCulture, $"  total {total.Elapsed.TotalSeconds:F1}s");
            output.WriteLine(report.ToString());
            await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "cedros-failover-report.txt"), report.ToString());

            Assert.NotEqual(TimeSpan.MaxValue, afterKill);
            Assert.True(completions.Count(c => c.Started > killedAt) >= 200, "writes did not resume within 60 s of the kill");
            None(acked.Keys.Where(s => !paymentSet.Contains(s)), "acknowledged payments missing");
            None(acked.Keys.Where(s => !webhookStatus.ContainsKey(WebhookId(s))), "webhooks of acknowledged payments missing");
            // Retries carry the payment's attempt id (issue 18's ambiguous commits): the restarted old primary may
            // still hold a row it committed but never replicated; answering "yours" takes a write there, whose commit
            // waits for the synchronous standby, so an acknowledged retry is durable or fails as Unavailable.
            Assert.Equal(payments.Count, paymentSet.Count);                                 // exactly once
            Assert.Equal(webhooks.Count, webhookStatus.Count);
            // No partial transaction: a payment without its webhook or a webhook without its payment.
            None(paymentSet.Where(s => !webhookStatus.ContainsKey(WebhookId(s))), "payments without their webhook");
            None(webhookStatus.Keys.Where(id => !paymentSet.Contains(id["wh-".Length..])), "webhooks without their payment");
            None(committedUnacked.Where(s => !unresolved.ContainsKey(s)), "payments committed but neither acknowledged nor resolved by a retry");
            None(webhookStatus.Where(w => w.Value != "success").Select(w => w.Key + " " + w.Value), "webhooks not delivered");
            Assert.True(wrong.IsEmpty, "calls failed other than Unavailable:\n" + string.Join("\n", wrong.Take(20)));
            Assert.True(total.Elapsed < TimeSpan.FromMinutes(2), $"the failover test took {total.Elapsed}");
        }
        finally
        {
            // Leave the formation as found: the killed node rejoins as the synchronous standby.
            await SignalAsync("CONT", frozenKeeper);
            await WaitForSynchronousStandbyAsync(admin.ConnectionString, TimeSpan.FromSeconds(120));
            await AdminAsync(admin.ConnectionString, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    /// <summary>Runs PgBouncer's admin command <c>RECONNECT</c> on every PgBouncer of the multi-host string (with psql: the
    /// admin console speaks only the simple query protocol).</summary>
    private static async Task ReconnectPgBouncersAsync(string bouncers)
    {
        var builder = new NpgsqlConnectionStringBuilder(bouncers);
        foreach (var hostPort in builder.Host!.Split(','))
        {
            var start = new ProcessStartInfo("psql")
            {
                ArgumentList = { "-X", "-q", "-h", hostPort[..hostPort.LastIndexOf(':')], "-p", hostPort[(hostPort.LastIndexOf(':') + 1)..],
                                 "-U", builder.Username!, "-d", "pgbouncer", "-c", "RECONNECT" },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            start.Environment["PGPASSWORD"] = builder.Password;
            using var psql = Process.Start(start)!;
            var error = await psql.StandardError.ReadToEndAsync();
            await psql.WaitForExitAsync();
            Assert.True(psql.ExitCode == 0, $"RECONNECT on the PgBouncer at {hostPort} failed: {error}");
        }
    }

    private static void None(IEnumerable<string> offenders, string what)
    {
        var list = offenders.ToList();
        Assert.True(list.Count == 0, $"{what}: {list.Count} ({string.Join(", ", list.Take(10))})");
    }

    private static (string Payments, string Webhooks) Tables(StorageOptions options)
    {
        var tables = options.ResolveTables();
        return (tables.Payments.Quoted, tables.WebhookQueue.Quoted);
    }

    private static string WebhookId(string signature) => "wh-" + signature;

    private static PaymentTransaction Payment(string signature) => new()
    {
        Signature = signature,
        ResourceId = "prod-1",
        Wallet = "WalletPayer111",
        Amount = 1_000_000,
        AmountAsset = "USDC",
        CreatedAt = DateTimeOffset.UtcNow,
        AttemptId = "attempt-" + signature, // the same on every retry of this payment
    };

    private static PendingWebhook Webhook(string signature) => new()
    {
        Id = WebhookId(signature),
        Url = "https://merchant.example/hooks",
        Payload = $"{{\"event\":\"order.paid\",\"signature\":\"{signature}\"}}",
        EventType = "order.paid",
    };

    /// <summary>The "host:port" of the formation's other node.</summary>
    private static string OtherHost(string ha, int primaryPort) =>
        new NpgsqlConnectionStringBuilder(ha).Host!.Split(',').Single(h => !h.EndsWith(":" + primaryPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

    /// <summary>The primary's port and postmaster pid (first line of postmaster.pid in its data directory).</summary>
    private static async Task<(int Port, int Pid)> PrimaryAsync(string admin)
    {
        await using var source = NpgsqlDataSource.Create(admin);
        await using var cmd = source.CreateCommand("SELECT inet_server_port(), current_setting('data_directory')");
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var port = reader.GetInt32(0);
        var pidLine = (await File.ReadAllLinesAsync(Path.Combine(reader.GetString(1), "postmaster.pid")))[0];
        return (port, int.Parse(pidLine, CultureInfo.InvariantCulture));
    }

    /// <summary>The pg_autoctl processes that keep the node of a postmaster: the keeper (the postmaster's grandparent,
    /// <c>pg_autoctl run</c>) and its service children, the postmaster excluded.</summary>
    private static async Task<IReadOnlyList<int>> NodeKeeperAsync(int postmasterPid)
    {
        var keeper = await ParentAsync(await ParentAsync(postmasterPid));
        var processes = new List<int> { keeper };
        processes.AddRange(await ChildrenAsync(keeper));
        processes.Remove(postmasterPid);
        Assert.True(processes.Count > 1, $"no pg_autoctl services under the keeper {keeper} of postmaster {postmasterPid}");
        return processes;
    }

    private static async Task<int> ParentAsync(int pid)
    {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
        var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static async Task<List<int>> ChildrenAsync(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (await ParentAsync(pid) == parent) children.Add(pid);
            }
            catch (IOException)
            {
                // exited meanwhile
            }
        }
        return children;
    }

    /// <summary>Sends a signal (<c>kill -STOP</c>, <c>-CONT</c>, <c>-KILL</c>) to the processes.</summary>
    private static async Task SignalAsync(string signal, IReadOnlyList<int> pids)
    {
        if (pids.Count == 0) return;
        var start = new ProcessStartInfo("kill") { ArgumentList = { "-" + signal } };
        foreach (var pid in pids) start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(start)!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Polls the standby directly until it is out of recovery (promoted); returns when.</summary>
    private static async Task<TimeSpan> WaitForPromotionAsync(string hostPort, Stopwatch clock, TimeSpan timeout)
    {
        var cs = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(HaFactAttribute.EnvironmentVariable))
        {
            Host = hostPort, TargetSessionAttributes = null, Pooling = false, Timeout = 2,
        }.ConnectionString;
        var deadline = clock.Elapsed + timeout;
        while (clock.Elapsed < deadline)
        {
            try
            {
                await using var connection = new NpgsqlConnection(cs);
                await connection.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'", connection);
                if (await cmd.ExecuteScalarAsync() is true) return clock.Elapsed;
            }
            catch (Exception ex) when (ex is NpgsqlException)
            {
                // restarting
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{hostPort} was not promoted within {timeout}");
    }

    /// <summary>Waits until the primary streams to a synchronous standby (the formation is whole).</summary>
    private static async Task WaitForSynchronousStandbyAsync(string admin, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < timeout)
        {
            try
            {
                if (await ScalarAsync(admin, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum')") > 0)
                    return;
            }
            catch (NpgsqlException ex)
            {
                last = ex;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"the HA formation has no synchronous standby after {timeout.TotalSeconds:F0}s (run scripts/test-ha-start.sh)", last);
    }

    private static async Task AdminAsync(string cs, string sql)
    {
        await using var source = NpgsqlDataSource.Create(cs);
        await using var cmd = source.CreateCommand(sql);
        try
        {
            await cmd.ExecuteNonQueryAsync();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // CREATE EXTENSION IF NOT EXISTS raced another session.
        }
    }

    private static async Task<long> ScalarAsync(string cs, string sql)
    {
        await using var source = NpgsqlDataSource.Create(cs);
        await using var cmd = source.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> ColumnAsync(string cs, string sql)
    {
        await using var source = NpgsqlDataSource.Create(cs);
        await using var cmd = source.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }
}
