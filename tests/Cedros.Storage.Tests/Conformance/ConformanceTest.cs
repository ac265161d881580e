using Cedros.Storage.Configuration;
using Cedros.Storage.Tests.Backends;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>
/// Base of every conformance class. Each test opens its own fresh storage (<see cref="OpenAsync"/>) with its own fake
/// clock, so tests never see each other's rows, and housekeeping that spans tenants stays deterministic. When the test
/// ends, the storages it opened are released to a fixture that can empty their database and hand it to a later test
/// (<see cref="IReusableStorageFixture"/>: PostgreSQL, whose schema creation and migration would otherwise dominate).
/// </summary>
public abstract class ConformanceTest<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : class, IStorageFixture
{
    private readonly List<ICedrosStorage> _opened = [];

    /// <summary>The instant every fake clock starts at (with a sub-microsecond part, to prove truncation).</summary>
    public static readonly DateTimeOffset Start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);

    protected TFixture Fixture { get; } = fixture;

    /// <summary>Opens a fresh storage; dispose it with <c>await using</c>.</summary>
    protected async Task<TestStorage> OpenAsync(Action<StorageOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Start);
        var storage = await Fixture.CreateStorageAsync(time, configure);
        lock (_opened) _opened.Add(storage);
        return new TestStorage(storage, time);
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Fixture is not IReusableStorageFixture reusable) return;
        ICedrosStorage[] opened;
        lock (_opened) opened = [.. _opened];
        if (opened.Length > 0) await reusable.ReleaseAsync(opened);
    }
}

/// <summary>A storage under test, its clock, and two tenant handles (A and B) for isolation tests.</summary>
public sealed class TestStorage(ICedrosStorage storage, FakeTimeProvider time) : IAsyncDisposable
{
    public ICedrosStorage Storage { get; } = storage;
    public FakeTimeProvider Time { get; } = time;

    /// <summary>Tenant A (<c>tenant-a</c>): the tenant most tests write to.</summary>
    public ITenantStorage A { get; } = storage.ForTenant("tenant-a");

    /// <summary>Tenant B (<c>tenant-b</c>): must never see or change A's rows.</summary>
    public ITenantStorage B { get; } = storage.ForTenant("tenant-b");

    /// <summary>Now, truncated to microseconds as stored.</summary>
    public DateTimeOffset Now => Cedros.Storage.Internal.StorageTime.Now(Time);

    public ValueTask DisposeAsync() => Storage.DisposeAsync();
}
