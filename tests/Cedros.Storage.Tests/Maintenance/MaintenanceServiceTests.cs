using System.Diagnostics.Metrics;
using Cedros.Storage.Configuration;
using Cedros.Storage.Maintenance;
using Cedros.Storage.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Maintenance;

public sealed class MaintenanceServiceTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingStorage _storage = new();
    private readonly ServiceProvider _services;
    private readonly ServiceProvider _metricsServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly StorageMetrics _metrics;
    private readonly MetricsRecorder _recorded;
    private readonly ListLogger<ArchivalService> _archivalLog = new();
    private readonly ListLogger<CleanupService> _cleanupLog = new();
    private readonly List<MaintenanceService> _started = [];

    public MaintenanceServiceTests()
    {
        _services = new ServiceCollection().AddSingleton<ICedrosStorage>(_storage).BuildServiceProvider();
        var factory = _metricsServices.GetRequiredService<IMeterFactory>();
        _recorded = new MetricsRecorder(factory);
        _metrics = new StorageMetrics(factory);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _started)
            await service.StopAsync(CancellationToken.None).WaitAsync(Patience);
        _recorded.Dispose();
        await _services.DisposeAsync();
        await _metricsServices.DisposeAsync();
    }

    private async Task<ArchivalService> StartArchivalAsync(Action<ArchivalOptions> configure)
    {
        var options = new StorageOptions();
        configure(options.Archival);
        var service = new ArchivalService(_services, Options.Create(options), _time, _metrics, _archivalLog);
        _started.Add(service);
        await service.StartAsync(CancellationToken.None);
        return service;
    }

    private async Task<CleanupService> StartCleanupAsync(Action<CleanupOptions>? configure = null)
    {
        var options = new StorageOptions();
        options.Cleanup.Interval = TimeSpan.FromMinutes(15);
        options.Cleanup.CompletedWebhookRetention = TimeSpan.FromDays(7);
        configure?.Invoke(options.Cleanup);
        var service = new CleanupService(_services, Options.Create(options), _time, _metrics, _cleanupLog);
        _started.Add(service);
        await service.StartAsync(CancellationToken.None);
        return service;
    }

    private static async Task StopAsync(MaintenanceService service)
    {
        await service.StopAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Archival_runs_once_at_start_with_cutoff_now_minus_retention()
    {
        await StartArchivalAsync(o => o.Enabled = true);

        var call = await _storage.NextCallAsync();

        Assert.Equal(nameof(IPaymentLedger.ArchiveOldPaymentsAsync), call.Method);
        Assert.Equal(Start - TimeSpan.FromHours(2160), call.Arguments[0]);
    }

    [Fact]
    public async Task Archival_runs_again_every_run_interval_and_not_before()
    {
        await StartArchivalAsync(o =>
        {
            o.Enabled = true;
            o.RetentionPeriod = TimeSpan.FromDays(30);
            o.RunInterval = TimeSpan.FromHours(24);
        });
        await _storage.NextCallAsync();

        _time.Advance(TimeSpan.FromHours(23));
        _time.Advance(TimeSpan.FromHours(1));
        var second = await _storage.NextCallAsync();
        _time.Advance(TimeSpan.FromHours(24));
        var third = await _storage.NextCallAsync();

        // A pass at 23h would have used an earlier cutoff.
        Assert.Equal(Start + TimeSpan.FromHours(24) - TimeSpan.FromDays(30), second.Arguments[0]);
        Assert.Equal(Start + TimeSpan.FromHours(48) - TimeSpan.FromDays(30), third.Arguments[0]);
    }

    [Fact]
    public async Task Archival_logs_and_counts_the_archived_rows()
    {
        _storage.Behaviour[nameof(IPaymentLedger.ArchiveOldPaymentsAsync)] = (_, _) => Task.FromResult(7L);
        var service = await StartArchivalAsync(o => o.Enabled = true);
        await _storage.NextCallAsync();
        await StopAsync(service);

        Assert.Contains(_archivalLog.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("Archived 7 payments", StringComparison.Ordinal));
        Assert.Equal(7, _recorded.Sum("cedros.storage.housekeeping.rows", "kind", HousekeepingKinds.ArchivedPayments));
        Assert.Equal(1, _recorded.Count("cedros.storage.housekeeping.duration"));
    }

    [Fact]
    public async Task Archival_does_nothing_when_disabled()
    {
        var service = await StartArchivalAsync(o => o.Enabled = false);
        await service.ExecuteTask!.WaitAsync(Patience);

        Assert.True(_storage.NoPendingCalls);
        Assert.Contains(_archivalLog.Entries, e => e.Message.Contains("disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_archival_pass_is_logged_and_the_next_interval_runs_again()
    {
        var attempts = 0;
        _storage.Behaviour[nameof(IPaymentLedger.ArchiveOldPaymentsAsync)] = (_, _) =>
            Interlocked.Increment(ref attempts) == 1
                ? Task.FromException<long>(new StorageException(StorageErrorKind.Unavailable, "database restarting"))
                : Task.FromResult(3L);
        var service = await StartArchivalAsync(o => o.Enabled = true);
        await _storage.NextCallAsync();

        _time.Advance(TimeSpan.FromHours(24));
        var retry = await _storage.NextCallAsync();
        await StopAsync(service);

        Assert.Equal(nameof(IPaymentLedger.ArchiveOldPaymentsAsync), retry.Method);
        var error = Assert.Single(_archivalLog.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<StorageException>(error.Exception);
        Assert.Equal(1, _recorded.Sum("cedros.storage.housekeeping.failures", "pass", HousekeepingKinds.ArchivalPass));
        Assert.Equal(3, _recorded.Sum("cedros.storage.housekeeping.rows", "kind", HousekeepingKinds.ArchivedPayments));
    }

    [Fact]
    public async Task Stopping_while_waiting_for_the_next_interval_ends_the_loop()
    {
        var service = await StartArchivalAsync(o => o.Enabled = true);
        await _storage.NextCallAsync();

        await StopAsync(service);

        Assert.DoesNotContain(_archivalLog.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task Stopping_during_a_pass_cancels_it_without_logging_a_failure()
    {
        _storage.Behaviour[nameof(IPaymentLedger.ArchiveOldPaymentsAsync)] = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        };
        var service = await StartArchivalAsync(o => o.Enabled = true);
        await _storage.NextCallAsync();

        await StopAsync(service);

        Assert.DoesNotContain(_archivalLog.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(0, _recorded.Sum("cedros.storage.housekeeping.failures", "pass", HousekeepingKinds.ArchivalPass));
    }

    [Fact]
    public async Task Cleanup_calls_every_housekeeping_method_with_the_right_cutoffs()
    {
        await StartCleanupAsync();

        var calls = await _storage.NextCallsAsync(4);

        Assert.Equal(
            [
                nameof(IAdminNonceStore.CleanupExpiredNoncesAsync),
                nameof(IIdempotencyStore.CleanupExpiredIdempotencyKeysAsync),
                nameof(IInventoryStore.CleanupExpiredInventoryReservationsAsync),
                nameof(IWebhookQueue.CleanupCompletedWebhooksAsync),
            ],
            calls.Select(c => c.Method));
        Assert.Equal(Start, calls[2].Arguments[0]);
        Assert.Equal(Start - TimeSpan.FromDays(7), calls[3].Arguments[0]);
    }

    [Fact]
    public async Task Cleanup_runs_again_every_interval_with_the_current_time()
    {
        await StartCleanupAsync();
        await _storage.NextCallsAsync(4);

        _time.Advance(TimeSpan.FromMinutes(15));
        var calls = await _storage.NextCallsAsync(4);

        Assert.Equal(Start.AddMinutes(15), calls[2].Arguments[0]);
        Assert.Equal(Start.AddMinutes(15) - TimeSpan.FromDays(7), calls[3].Arguments[0]);
    }

    [Fact]
    public async Task A_cleanup_pass_that_finds_nothing_is_still_logged_at_information_with_its_duration()
    {
        foreach (var name in new[]
        {
            nameof(IAdminNonceStore.CleanupExpiredNoncesAsync), nameof(IIdempotencyStore.CleanupExpiredIdempotencyKeysAsync),
            nameof(IInventoryStore.CleanupExpiredInventoryReservationsAsync), nameof(IWebhookQueue.CleanupCompletedWebhooksAsync),
        })
            _storage.Behaviour[name] = (_, _) => Task.FromResult(0L);
        var service = await StartCleanupAsync();
        await _storage.NextCallsAsync(4);
        await StopAsync(service);

        var line = Assert.Single(_cleanupLog.Entries, e => e.EventId.Id == 1021);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("Cleanup found nothing to remove in ", line.Message, StringComparison.Ordinal);
        Assert.EndsWith(" ms.", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cleanup_logs_and_counts_each_kind()
    {
        _storage.Behaviour[nameof(IAdminNonceStore.CleanupExpiredNoncesAsync)] = (_, _) => Task.FromResult(1L);
        _storage.Behaviour[nameof(IIdempotencyStore.CleanupExpiredIdempotencyKeysAsync)] = (_, _) => Task.FromResult(2L);
        _storage.Behaviour[nameof(IInventoryStore.CleanupExpiredInventoryReservationsAsync)] = (_, _) => Task.FromResult(3L);
        _storage.Behaviour[nameof(IWebhookQueue.CleanupCompletedWebhooksAsync)] = (_, _) => Task.FromResult(4L);
        var service = await StartCleanupAsync();
        await _storage.NextCallsAsync(4);
        await StopAsync(service);

        var line = Assert.Single(_cleanupLog.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Cleanup removed", StringComparison.Ordinal));
        Assert.Contains("1 expired nonces", line.Message, StringComparison.Ordinal);
        Assert.Contains("2 expired idempotency keys", line.Message, StringComparison.Ordinal);
        Assert.Contains("3 expired inventory reservations", line.Message, StringComparison.Ordinal);
        Assert.Contains("4 completed webhooks", line.Message, StringComparison.Ordinal);
        Assert.EndsWith(" ms.", line.Message, StringComparison.Ordinal);
        const string Rows = "cedros.storage.housekeeping.rows";
        Assert.Equal(1, _recorded.Sum(Rows, "kind", HousekeepingKinds.ExpiredNonces));
        Assert.Equal(2, _recorded.Sum(Rows, "kind", HousekeepingKinds.ExpiredIdempotencyKeys));
        Assert.Equal(3, _recorded.Sum(Rows, "kind", HousekeepingKinds.ExpiredInventoryReservations));
        Assert.Equal(4, _recorded.Sum(Rows, "kind", HousekeepingKinds.CompletedWebhooks));
    }

    [Fact]
    public async Task A_failing_cleanup_step_is_logged_the_other_steps_still_run_and_the_next_pass_retries_it()
    {
        var attempts = 0;
        _storage.Behaviour[nameof(IAdminNonceStore.CleanupExpiredNoncesAsync)] = (_, _) =>
            Interlocked.Increment(ref attempts) == 1
                ? Task.FromException<long>(new InvalidOperationException("boom"))
                : Task.FromResult(5L);
        _storage.Behaviour[nameof(IWebhookQueue.CleanupCompletedWebhooksAsync)] = (_, _) => Task.FromResult(2L);
        var service = await StartCleanupAsync();

        var first = await _storage.NextCallsAsync(4);
        _time.Advance(TimeSpan.FromMinutes(15));
        var second = await _storage.NextCallsAsync(4);
        await StopAsync(service);

        Assert.Equal(nameof(IWebhookQueue.CleanupCompletedWebhooksAsync), first[3].Method);
        Assert.Equal(nameof(IAdminNonceStore.CleanupExpiredNoncesAsync), second[0].Method);
        var error = Assert.Single(_cleanupLog.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Contains(HousekeepingKinds.ExpiredNonces, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _recorded.Sum("cedros.storage.housekeeping.failures", "pass", HousekeepingKinds.CleanupPass));
        Assert.Equal(5, _recorded.Sum("cedros.storage.housekeeping.rows", "kind", HousekeepingKinds.ExpiredNonces));
        Assert.Equal(4, _recorded.Sum("cedros.storage.housekeeping.rows", "kind", HousekeepingKinds.CompletedWebhooks));
    }

    [Fact]
    public async Task Cleanup_does_nothing_when_disabled()
    {
        var service = await StartCleanupAsync(o => o.Enabled = false);
        await service.ExecuteTask!.WaitAsync(Patience);

        Assert.True(_storage.NoPendingCalls);
    }

    [Fact]
    public async Task A_pass_that_cannot_reach_the_storage_is_logged_as_a_failure()
    {
        await using var empty = new ServiceCollection().BuildServiceProvider();
        var options = new StorageOptions();
        options.Archival.Enabled = true;
        var service = new ArchivalService(empty, Options.Create(options), _time, _metrics, _archivalLog);

        await service.RunOnceAsync(CancellationToken.None);

        var error = Assert.Single(_archivalLog.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Equal(1, _recorded.Sum("cedros.storage.housekeeping.failures", "pass", HousekeepingKinds.ArchivalPass));
    }
}
