// A child process for cross-process race and crash tests: opens a real SQLite file or PostgreSQL database, prints
// "ready", waits for "go" on stdin (so that all workers start together), runs one command and prints one line per
// outcome. Usage: Cedros.Storage.ProcessWorker <sqlite|postgres> <path|connection string> <command> [args...]
using System.Globalization;
using Cedros.Storage;
using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Cedros.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Cedros.Storage.ProcessWorker <sqlite|postgres> <connection> <command> [args]");
    return 2;
}

var backend = args[0];
var connection = args[1];
var command = args[2];
var rest = args[3..];
var stdout = Console.Out;

int Int(int i) => int.Parse(rest[i], CultureInfo.InvariantCulture);
void Say(string line)
{
    stdout.WriteLine(line);
    stdout.Flush();
}

var options = new StorageOptions();
if (command == "dispatch-webhooks") // the claim's lease comes from the storage's options
    options.Webhooks.VisibilityTimeout = TimeSpan.FromMilliseconds(int.Parse(rest[0], CultureInfo.InvariantCulture));
ICedrosStorage storage;
switch (backend)
{
    case "sqlite":
        options.Backend = StorageBackend.Sqlite;
        options.Sqlite.Path = connection;
        storage = await SqliteStorage.OpenAsync(options);
        break;
    case "postgres":
        options.Backend = StorageBackend.Postgres;
        options.Postgres.ConnectionString = connection;
        storage = await PostgresStorage.OpenAsync(options);
        break;
    default:
        Console.Error.WriteLine($"unknown backend '{backend}'");
        return 2;
}

await using (storage)
{
    var store = storage.Default;
    Say("ready");
    if (command != "migrate" && Console.In.ReadLine() != "go") return 3;
    var now = DateTimeOffset.UtcNow;
    switch (command)
    {
        case "migrate":
            Say("migrated");
            break;

        case "record-payments": // <prefix> <count> <worker>
            for (var i = 0; i < Int(1); i++)
            {
                var signature = rest[0] + i.ToString(CultureInfo.InvariantCulture);
                var tx = new PaymentTransaction { Signature = signature, ResourceId = "r", Wallet = rest[2], Amount = 1, AmountAsset = "USDC" };
                if (await store.TryRecordPaymentAsync(tx)) Say("won " + signature);
            }
            break;

        case "consume-nonces": // <prefix> <count>
            for (var i = 0; i < Int(1); i++)
            {
                var id = rest[0] + i.ToString(CultureInfo.InvariantCulture);
                try
                {
                    await store.ConsumeNonceAsync(id, "race");
                    Say("won " + id);
                }
                catch (NonceException ex) when (ex.Reason == NonceFailureReason.AlreadyConsumed)
                {
                }
            }
            break;

        case "increment-coupon": // <code> <attempts>
            for (var i = 0; i < Int(1); i++)
            {
                try
                {
                    var count = await store.Coupons.IncrementUsageAsync(rest[0]);
                    Say("won " + count.ToString(CultureInfo.InvariantCulture));
                }
                catch (StorageLimitReachedException)
                {
                }
            }
            break;

        case "store-orders": // <purchase prefix> <count> <worker>
            for (var i = 0; i < Int(1); i++)
            {
                var purchase = rest[0] + i.ToString(CultureInfo.InvariantCulture);
                var order = new Order
                {
                    Id = $"{rest[2]}-{purchase}", Source = "web", PurchaseId = purchase, ResourceId = "r", AmountAsset = "USDC", CreatedAt = now,
                };
                if (await store.TryStoreOrderAsync(order)) Say("won " + purchase);
            }
            break;

        case "drain-webhooks": // <batch>: claims until the queue stays empty, delivers each claimed webhook once
            for (var idle = 0; idle < 3;)
            {
                var claimed = await store.DequeueWebhooksAsync(Int(0));
                if (claimed.Count == 0)
                {
                    idle++;
                    await Task.Delay(20);
                    continue;
                }
                idle = 0;
                foreach (var w in claimed)
                {
                    Say("won " + w.Id);
                    await store.MarkWebhookSuccessAsync(w.Id, w.ClaimToken!);
                }
            }
            break;

        case "dispatch-webhooks": // <visibility ms> <batch size> <signing secret>: the webhook dispatcher as an application
            {                     // registers it, until "stop" on stdin (graceful) or a kill
                var services = new ServiceCollection();
                // The dispatcher's warnings and errors on stderr (the test shows them when it fails).
                services.AddLogging(l => l.AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
                services.AddSingleton(storage);
                services.AddSingleton(Options.Create(options));
                services.AddCedrosWebhookDispatcher(o =>
                {
                    o.BatchSize = Int(1);
                    o.PollInterval = TimeSpan.FromMilliseconds(50);
                    o.SigningSecret = _ => rest[2];
                });
                await using var provider = services.BuildServiceProvider();
                var hosted = provider.GetServices<IHostedService>().ToList();
                foreach (var service in hosted) await service.StartAsync(CancellationToken.None);
                Say("dispatching");
                while (Console.In.ReadLine() is { } line && line != "stop")
                {
                }
                foreach (var service in hosted) await service.StopAsync(CancellationToken.None);
            }
            break;

        case "reserve": // <product> <attempts> <stock> <worker>
            for (var i = 0; i < Int(1); i++)
            {
                var reservation = new InventoryReservation
                {
                    Id = $"{rest[3]}-{i}", ProductId = rest[0], Quantity = 1, ExpiresAt = now.AddHours(1), CartId = rest[3],
                };
                try
                {
                    await store.ReserveInventoryAsync(reservation, Int(2));
                    Say("won " + reservation.Id);
                }
                catch (StorageLimitReachedException)
                {
                }
            }
            break;

        case "idempotency-begin": // <prefix> <count>
            for (var i = 0; i < Int(1); i++)
            {
                var key = rest[0] + i.ToString(CultureInfo.InvariantCulture);
                var result = await store.TryBeginIdempotentRequestAsync(key, "fp", TimeSpan.FromMinutes(5));
                if (result.Outcome == IdempotencyBeginOutcome.Started) Say("won " + key);
            }
            break;

        case "write-batches": // <batch size> <worker>: writes batches until killed, acknowledging each committed one
            for (var batch = 0; ; batch++)
            {
                var id = $"{rest[1]}-{batch}";
                var txs = Enumerable.Range(0, Int(0)).Select(i => new PaymentTransaction
                {
                    Signature = $"{id}-{i}", ResourceId = id, Wallet = "w", Amount = i, AmountAsset = "USDC",
                }).ToArray();
                await store.RecordPaymentsAsync(txs);
                Say("ack " + id);
            }

        default:
            Console.Error.WriteLine($"unknown command '{command}'");
            return 2;
    }
    Say("done");
}
return 0;
