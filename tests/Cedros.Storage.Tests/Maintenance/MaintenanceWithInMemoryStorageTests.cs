using Cedros.Storage.Configuration;
using Cedros.Storage.InMemory;
using Cedros.Storage.Maintenance;
using Cedros.Storage.Observability;
using Cedros.Storage.Tests.Conformance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Maintenance;

/// <summary>One pass of each service against the real in-memory backend: the housekeeping reaches every tenant.</summary>
public sealed class MaintenanceWithInMemoryStorageTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly StorageOptions _options = new() { Backend = StorageBackend.Memory };
    private readonly InMemoryStorage _storage;
    private readonly ServiceProvider _services;
    private readonly StorageMetrics _metrics = new();

    public MaintenanceWithInMemoryStorageTests()
    {
        _options.Archival.Enabled = true;
        _storage = new InMemoryStorage(_options, _time);
        _services = new ServiceCollection().AddSingleton<ICedrosStorage>(_storage).BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        _metrics.Dispose();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task An_archival_pass_archives_old_payments_of_every_tenant_and_keeps_replay_protection()
    {
        var a = _storage.ForTenant("tenant-a");
        var b = _storage.ForTenant("tenant-b");
        var old = Make.Payment(Start - TimeSpan.FromDays(91));
        var oldOther = Make.Payment(Start - TimeSpan.FromDays(100));
        var recent = Make.Payment(Start - TimeSpan.FromDays(89));
        await a.RecordPaymentAsync(old);
        await b.RecordPaymentAsync(oldOther);
        await a.RecordPaymentAsync(recent);
        var log = new ListLogger<ArchivalService>();
        var service = new ArchivalService(_services, Options.Create(_options), _time, _metrics, log);

        await service.RunOnceAsync(CancellationToken.None);

        Assert.Contains(log.Entries, e => e.Message.Contains("Archived 2 payments", StringComparison.Ordinal));
        Assert.NotNull(await a.GetPaymentAsync(recent.Signature));
        Assert.True(await a.HasPaymentBeenProcessedAsync(old.Signature));
        Assert.False(await b.TryRecordPaymentAsync(oldOther));
    }

    [Fact]
    public async Task A_cleanup_pass_removes_expired_nonces_of_every_tenant()
    {
        var a = _storage.ForTenant("tenant-a");
        var b = _storage.ForTenant("tenant-b");
        var expiredA = Make.Nonce(Start);
        var expiredB = Make.Nonce(Start);
        var live = Make.Nonce(Start) with { ExpiresAt = Start.AddDays(2) };
        await a.CreateNonceAsync(expiredA);
        await b.CreateNonceAsync(expiredB);
        await a.CreateNonceAsync(live);
        _time.Advance(TimeSpan.FromDays(1));
        var log = new ListLogger<CleanupService>();
        var service = new CleanupService(_services, Options.Create(_options), _time, _metrics, log);

        await service.RunOnceAsync(CancellationToken.None);

        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Error);
        Assert.Contains(log.Entries, e => e.Message.Contains("2 expired nonces", StringComparison.Ordinal));
        Assert.Equal(0, await _storage.Default.CleanupExpiredNoncesAsync());
    }
}
