using Cedros.Storage.Tests.Backends;
using Xunit.Abstractions;

namespace Cedros.Storage.Tests.Concurrency;

/// <summary>
/// Durability under <c>kill -9</c>: a child process writes batches of 50 payments and acknowledges each after commit;
/// it is killed at random points. Every acknowledged batch must be complete, and no batch may be partly written.
/// </summary>
public abstract class CrashTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : class, IStorageFixture, IProcessFixture
{
    private const int BatchSize = 50;
    private const int Kills = 12;

    protected TFixture Fixture { get; } = fixture;

    [Fact]
    public async Task Acknowledged_batches_survive_kill_9_and_no_batch_is_ever_partial()
    {
        var target = await Fixture.CreateProcessTargetAsync();
        var random = new Random(4242);
        var totalAcked = 0;
        for (var round = 0; round < Kills; round++)
        {
            var worker = WorkerProcess.Start(target, "write-batches", BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), $"r{round}");
            try
            {
                await worker.WaitReadyAsync();
                worker.Go();
                // Even rounds kill at a random moment from the start (possibly before the first commit); odd rounds
                // first wait for one acknowledged batch (a cold child process on a loaded machine can take longer
                // than the whole random window for its first batch), then kill at a random moment after it.
                if (round % 2 == 1) await WaitForFirstAckAsync(worker);
                await Task.Delay(random.Next(20, 400));
                await worker.KillAsync();
                var acked = worker.Lines.Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();
                totalAcked += acked.Count;
                output.WriteLine($"round {round}: killed after {acked.Count} acknowledged batches");

                await using var storage = await Fixture.OpenTargetAsync(target, TimeProvider.System);
                var store = storage.Default;
                foreach (var batch in acked)
                    for (var i = 0; i < BatchSize; i++)
                        Assert.True(await store.HasPaymentBeenProcessedAsync($"{batch}-{i}"), $"acknowledged {batch}-{i} is missing");
                // Batches are written one after another: only the ones after the last acknowledgement can be in doubt.
                for (var next = acked.Count; next < acked.Count + 2; next++)
                {
                    var batch = $"r{round}-{next}";
                    var present = 0;
                    for (var i = 0; i < BatchSize; i++)
                        if (await store.HasPaymentBeenProcessedAsync($"{batch}-{i}")) present++;
                    Assert.True(present is 0 or BatchSize, $"batch {batch} is partial: {present} of {BatchSize}");
                }
            }
            finally
            {
                worker.Dispose();
            }
        }
        Assert.True(totalAcked > 0, "no batch was ever acknowledged: the kills came too early to test anything");
    }

    private static async Task WaitForFirstAckAsync(WorkerProcess worker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!worker.Lines.Any(l => l.StartsWith("ack ", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the writer acknowledged no batch within 60 s: " + string.Join(" | ", worker.Errors));
            await Task.Delay(5);
        }
    }
}
