using System.Collections.Concurrent;
using Cedros.Pay.Sample;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Cedros.Storage.AspNetCore.Tests.Sample;

/// <summary>Counts on-chain checks per signature; holds each one briefly so concurrent requests really overlap.</summary>
public sealed class CountingChainVerifier : IChainVerifier
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public int CallsFor(string signature) => _calls.TryGetValue(signature, out var n) ? n : 0;

    public async Task<bool> VerifyAsync(ChainPaymentClaim claim, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(claim.Signature, 1, (_, n) => n + 1);
        await Task.Delay(50, cancellationToken);
        return !claim.Signature.StartsWith("invalid", StringComparison.Ordinal);
    }
}

/// <summary>Counts refund transfers per refund.</summary>
public sealed class CountingPayoutSender : IPayoutSender
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public int CallsFor(string refundId) => _calls.TryGetValue(refundId, out var n) ? n : 0;

    public async Task<string> SendAsync(RefundQuote refund, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(refund.Id, 1, (_, n) => n + 1);
        await Task.Delay(50, cancellationToken);
        return "payout" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
    }
}

/// <summary>The sample run in process, with the given <c>storage:*</c> settings and counting stubs. With
/// <paramref name="webhookReceiverUrl"/> its webhook dispatcher runs and delivers to that receiver (signed with
/// <see cref="WebhookSecret"/>); without, webhooks stay queued as written.</summary>
public sealed class SampleFactory(IReadOnlyDictionary<string, string?> settings, string? webhookReceiverUrl = null) : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";
    public const string StripeSecret = "whsec_test_secret";
    public const string WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public string WebhookUrl { get; } = webhookReceiverUrl is null ? "http://127.0.0.1:9/hooks" : webhookReceiverUrl + "/hooks";

    public CountingChainVerifier Chain { get; } = new();
    public CountingPayoutSender Payouts { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["pay:adminKey"] = AdminKey,
            ["pay:stripeWebhookSecret"] = StripeSecret,
            ["pay:merchantWebhookUrl"] = WebhookUrl,
            ["pay:merchantWebhookSecret"] = WebhookSecret,
            ["pay:deliverWebhooks"] = webhookReceiverUrl is null ? "false" : "true",
        };
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(all));
        builder.ConfigureTestServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IChainVerifier>(Chain));
            services.Replace(ServiceDescriptor.Singleton<IPayoutSender>(Payouts));
            services.Configure<Cedros.Storage.Webhooks.WebhookDispatcherOptions>(o => o.PollInterval = TimeSpan.FromMilliseconds(100));
        });
    }

    /// <summary>The storage the server uses, for checking what it wrote.</summary>
    public ICedrosStorage Storage => Services.GetRequiredService<ICedrosStorage>();
}

public interface ISampleFixture
{
    string Backend { get; }
    SampleFactory Factory { get; }
}

/// <summary>The sample on a fresh SQLite file in a temp directory.</summary>
public class SqliteSampleFixture : ISampleFixture, IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cedros-pay-" + Guid.NewGuid().ToString("N"));

    public string Backend => "sqlite";
    public SampleFactory Factory { get; private set; } = null!;

    /// <summary>Where the sample's dispatcher delivers; null: it does not run.</summary>
    protected virtual string? ReceiverUrl => null;

    public virtual Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        Factory = new SampleFactory(new Dictionary<string, string?>
        {
            ["storage:backend"] = "sqlite",
            ["storage:sqlite:path"] = Path.Combine(_dir, "pay.db"),
        }, ReceiverUrl);
        _ = Factory.Server; // start: migrates the file
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// The sample on the PostgreSQL server of <c>CEDROS_TEST_POSTGRES</c>, in a fresh schema (search path) dropped at the
/// end, as tests/Cedros.Storage.Tests does. A missing server fails the tests: they never skip.
/// </summary>
public class PostgresSampleFixture : ISampleFixture, IAsyncLifetime
{
    private readonly string _schema = "web_" + Guid.NewGuid().ToString("N");
    private NpgsqlDataSource? _admin;

    public string Backend => "postgres";
    public SampleFactory Factory { get; private set; } = null!;

    /// <summary>Where the sample's dispatcher delivers; null: it does not run.</summary>
    protected virtual string? ReceiverUrl => null;

    public virtual async Task InitializeAsync()
    {
        var baseCs = Environment.GetEnvironmentVariable("CEDROS_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "CEDROS_TEST_POSTGRES is not set: run eval \"export $(scripts/test-postgres-start.sh | tail -n1)\" first (PostgreSQL tests never skip).");
        _admin = NpgsqlDataSource.Create(baseCs);
        try
        {
            await using var ext = _admin.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
            await ext.ExecuteNonQueryAsync();
        }
        catch (PostgresException ex) when (ex.SqlState == "23505")
        {
            // Created by another run at the same moment.
        }
        await using (var create = _admin.CreateCommand($"CREATE SCHEMA \"{_schema}\""))
            await create.ExecuteNonQueryAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(baseCs) { SearchPath = $"{_schema},public", MaxPoolSize = 30 }.ConnectionString;
        Factory = new SampleFactory(new Dictionary<string, string?>
        {
            ["storage:backend"] = "postgres",
            ["storage:postgres:connection_string"] = connectionString,
            ["storage:postgres:max_pool_size"] = "30",
        }, ReceiverUrl);
        _ = Factory.Server;
    }

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_admin is not null)
        {
            await using (var drop = _admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE"))
                await drop.ExecuteNonQueryAsync();
            await _admin.DisposeAsync();
        }
    }
}

/// <summary>A receiver on loopback for the sample's outgoing webhooks: verifies every Standard Webhooks signature
/// with the sample's secret and counts deliveries.</summary>
public interface IDeliveringSampleFixture : ISampleFixture
{
    Cedros.Storage.Tests.Webhooks.LoopbackReceiver Receiver { get; }
}

/// <summary>The sample on SQLite with its webhook dispatcher running against <see cref="Receiver"/>.</summary>
public sealed class DeliveringSqliteSampleFixture : SqliteSampleFixture, IDeliveringSampleFixture
{
    public Cedros.Storage.Tests.Webhooks.LoopbackReceiver Receiver { get; } = new(_ => SampleFactory.WebhookSecret, () => DateTimeOffset.UtcNow);

    protected override string? ReceiverUrl => Receiver.BaseUrl;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>The sample on PostgreSQL with its webhook dispatcher running against <see cref="Receiver"/>.</summary>
public sealed class DeliveringPostgresSampleFixture : PostgresSampleFixture, IDeliveringSampleFixture
{
    public Cedros.Storage.Tests.Webhooks.LoopbackReceiver Receiver { get; } = new(_ => SampleFactory.WebhookSecret, () => DateTimeOffset.UtcNow);

    protected override string? ReceiverUrl => Receiver.BaseUrl;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
