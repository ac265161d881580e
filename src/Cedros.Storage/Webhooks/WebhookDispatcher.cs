using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using Cedros.Storage.Configuration;
using Cedros.Storage.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cedros.Storage.Webhooks;

/// <summary>
/// Delivers the webhook queue (issue 17; docs/webhooks.md). One loop claims up to <see cref="WebhookDispatcherOptions.BatchSize"/>
/// ready webhooks whenever delivery slots are free (<see cref="WebhookDispatcherOptions.MaxConcurrency"/>); each claimed
/// webhook is POSTed on its own task with the Standard Webhooks headers and a per-request timeout, renewing its lease
/// while the receiver is slow; outcomes go to an acknowledger that marks them in batches
/// (<see cref="IWebhookQueue.MarkWebhooksSuccessAsync"/>, <see cref="IWebhookQueue.MarkWebhooksFailedAsync"/>). A slow
/// or failing endpoint holds one slot, never the others. On stop, in-flight requests are abandoned (their webhooks are
/// claimed again when the lease runs out) and finished ones are still acknowledged.
/// </summary>
internal sealed partial class WebhookDispatcher : BackgroundService
{
    /// <summary>The named <see cref="HttpClient"/> the dispatcher posts with.</summary>
    public const string HttpClientName = "Cedros.Storage.Webhooks";

    private readonly ICedrosStorage _storage;
    private readonly Func<HttpClient> _client;
    private readonly WebhookDispatcherOptions _options;
    private readonly TimeSpan _renewEvery;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StorageMetrics _metrics;
    private readonly bool _ownsMetrics;

    public WebhookDispatcher(ICedrosStorage storage, IHttpClientFactory clients, IOptions<WebhookDispatcherOptions> options,
        IOptions<StorageOptions> storageOptions, TimeProvider time, ILogger<WebhookDispatcher> logger, StorageMetrics metrics)
        : this(storage, () => clients.CreateClient(HttpClientName), options.Value, storageOptions.Value.Webhooks.VisibilityTimeout, time, logger, metrics)
    {
    }

    /// <summary>For tests: <paramref name="metrics"/> null gives the dispatcher a meter of its own, disposed with it.</summary>
    internal WebhookDispatcher(ICedrosStorage storage, Func<HttpClient> client, WebhookDispatcherOptions options, TimeSpan visibilityTimeout,
        TimeProvider time, ILogger? logger = null, StorageMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.BatchSize, 1000, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, nameof(options.MaxConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PollInterval, TimeSpan.Zero, nameof(options.PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero, nameof(options.RequestTimeout));
        ArgumentNullException.ThrowIfNull(options.RetrySchedule, nameof(options.RetrySchedule));
        ArgumentOutOfRangeException.ThrowIfZero(options.RetrySchedule.Count, nameof(options.RetrySchedule));
        _storage = storage;
        _client = client;
        _options = options;
        _renewEvery = options.LeaseRenewalInterval ?? visibilityTimeout / 2;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_renewEvery, TimeSpan.Zero, nameof(options.LeaseRenewalInterval));
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _ownsMetrics = metrics is null;
        _metrics = metrics ?? new StorageMetrics();
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        if (_ownsMetrics) _metrics.Dispose();
    }

    /// <summary>What happened to one delivery: delivered, or failed with an error and the next attempt time.</summary>
    private readonly record struct Outcome(PendingWebhook Webhook, string? Error, DateTimeOffset NextAttemptAt);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = _storage.Default;
        var slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        var outcomes = Channel.CreateUnbounded<Outcome>(new UnboundedChannelOptions { SingleReader = true });
        var acknowledger = AcknowledgeAsync(queue, outcomes.Reader);
        var inFlight = new HashSet<Task>();
        Log.Started(_logger, _options.BatchSize, _options.MaxConcurrency);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < _options.BatchSize && slots.Wait(0, CancellationToken.None)) free++;
                IReadOnlyList<PendingWebhook> batch;
                try
                {
                    batch = await queue.DequeueWebhooksAsync(free, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    slots.Release(free);
                    Log.ClaimFailed(_logger, ex);
                    await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                catch
                {
                    slots.Release(free);
                    throw;
                }
                if (free > batch.Count) slots.Release(free - batch.Count);
                lock (inFlight) inFlight.RemoveWhere(t => t.IsCompleted);
                foreach (var webhook in batch)
                {
                    var delivery = DeliverAndReleaseAsync(webhook, slots, outcomes.Writer, stoppingToken);
                    lock (inFlight) inFlight.Add(delivery);
                }
                // Fewer than asked for: nothing else is ready now.
                if (batch.Count < free) await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Task[] pending;
            lock (inFlight) pending = [.. inFlight];
            await Task.WhenAll(pending).ConfigureAwait(false);
            outcomes.Writer.Complete();
            await acknowledger.ConfigureAwait(false);
            Log.Stopped(_logger);
        }
    }

    private async Task DeliverAndReleaseAsync(PendingWebhook webhook, SemaphoreSlim slots, ChannelWriter<Outcome> outcomes, CancellationToken stoppingToken)
    {
        try
        {
            if (await DeliverAsync(webhook, stoppingToken).ConfigureAwait(false) is { } outcome) outcomes.TryWrite(outcome);
        }
        catch (Exception ex)
        {
            // Never expected (DeliverAsync turns every failure into an outcome); the lease will run out.
            Log.DeliveryCrashed(_logger, ex, webhook.Id);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>POSTs one claimed webhook, renewing its lease while the receiver is slow. Null when the dispatcher is
    /// stopping and the request was abandoned (left to the lease).</summary>
    private async Task<Outcome?> DeliverAsync(PendingWebhook webhook, CancellationToken stoppingToken)
    {
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewWhileInFlightAsync(webhook, renewal.Token);
        try
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            var started = _time.GetTimestamp();
            try
            {
                using var request = BuildRequest(webhook);
                using var response = await _client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                _metrics.RecordDeliveryDuration(_time.GetElapsedTime(started), response.IsSuccessStatusCode, (int)response.StatusCode);
                if (response.IsSuccessStatusCode) return new Outcome(webhook, null, default);
                var error = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}").TrimEnd();
                return new Outcome(webhook, error, RetryAfter(response) ?? NextBySchedule(webhook));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return null;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                _metrics.RecordDeliveryDuration(_time.GetElapsedTime(started), false, null);
                return new Outcome(webhook, string.Create(CultureInfo.InvariantCulture,
                    $"timed out after {_options.RequestTimeout.TotalSeconds:0.###} s"), NextBySchedule(webhook));
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or UriFormatException or FormatException)
            {
                _metrics.RecordDeliveryDuration(_time.GetElapsedTime(started), false, null);
                return new Outcome(webhook, ex.GetType().Name + ": " + ex.Message, NextBySchedule(webhook));
            }
        }
        finally
        {
            await renewal.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
        }
    }

    private HttpRequestMessage BuildRequest(PendingWebhook webhook)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(webhook.Payload)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in webhook.Headers)
        {
            if (name.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase)) continue; // the dispatcher's own
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.IdHeader, webhook.Id);
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.TimestampHeader, timestamp);
        if (_options.SigningSecret?.Invoke(webhook) is { Length: > 0 } secret)
            request.Headers.TryAddWithoutValidation(StandardWebhookSignature.SignatureHeader,
                StandardWebhookSignature.Sign(secret, webhook.Id, timestamp, webhook.Payload));
        return request;
    }

    /// <summary>Renews the webhook's lease every renewal interval until cancelled; stops once the claim is no longer ours.</summary>
    private async Task RenewWhileInFlightAsync(PendingWebhook webhook, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_renewEvery, _time, cancellationToken).ConfigureAwait(false);
                var renewed = await _storage.Default.MarkWebhookProcessingAsync(webhook.Id, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(renewed.ClaimToken, webhook.ClaimToken, StringComparison.Ordinal)) return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.RenewFailed(_logger, ex, webhook.Id);
        }
    }

    /// <summary>The receiver's <c>Retry-After</c> (seconds or an HTTP date) as an instant, if it sent one.</summary>
    private DateTimeOffset? RetryAfter(HttpResponseMessage response)
    {
        var now = _time.GetUtcNow();
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => now + (delta < TimeSpan.Zero ? TimeSpan.Zero : delta),
            { Date: { } date } => date < now ? now : date,
            _ => null,
        };
    }

    private DateTimeOffset NextBySchedule(PendingWebhook webhook) =>
        _time.GetUtcNow() + WebhookRetry.FromSchedule(webhook.Attempts, _options.RetrySchedule);

    /// <summary>Acknowledges outcomes in batches (whatever finished while the previous acknowledgement ran, up to the batch
    /// size) until the channel is completed.</summary>
    private async Task AcknowledgeAsync(ITenantStorage queue, ChannelReader<Outcome> outcomes)
    {
        var delivered = new List<PendingWebhook>();
        var failed = new List<WebhookFailure>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await outcomes.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            delivered.Clear();
            failed.Clear();
            ids.Clear();
            // An id at most once per batch (the batch calls refuse repeats): when a lease lapsed and this dispatcher
            // claimed the webhook again, both deliveries may finish together; the second waits for the next batch.
            while (delivered.Count + failed.Count < _options.BatchSize && outcomes.TryPeek(out var next) && ids.Add(next.Webhook.Id)
                && outcomes.TryRead(out var o))
            {
                if (o.Error is null) delivered.Add(o.Webhook);
                else failed.Add(new WebhookFailure(o.Webhook, o.Error, o.NextAttemptAt));
            }
            try
            {
                if (delivered.Count > 0)
                {
                    var result = await queue.MarkWebhooksSuccessAsync(delivered).ConfigureAwait(false);
                    Report(result, "delivered");
                    _metrics.RecordDeliveries(StorageMetrics.DeliveryOutcome.Success, result.Acknowledged.Count);
                }
                if (failed.Count > 0)
                {
                    var result = await queue.MarkWebhooksFailedAsync(failed).ConfigureAwait(false);
                    Report(result, "failed");
                    // The claimed copy carries this attempt's number: exhausted means the acknowledgement dead-lettered it.
                    var acknowledged = result.Acknowledged.ToHashSet(StringComparer.Ordinal);
                    var dead = failed.Count(f => acknowledged.Contains(f.Claimed.Id) && WebhookRetry.IsExhausted(f.Claimed.Attempts, f.Claimed.MaxAttempts));
                    _metrics.RecordDeliveries(StorageMetrics.DeliveryOutcome.Dead, dead);
                    _metrics.RecordDeliveries(StorageMetrics.DeliveryOutcome.Retry, acknowledged.Count - dead);
                }
            }
            catch (Exception ex)
            {
                // Left processing: claimed again (and delivered again) once their leases run out.
                Log.AcknowledgeFailed(_logger, ex, delivered.Count + failed.Count);
            }
        }
    }

    private void Report(WebhookBatchResult result, string outcome)
    {
        Log.Acknowledged(_logger, result.Acknowledged.Count, outcome);
        foreach (var lost in result.LeaseLost) Log.LeaseLost(_logger, lost.Id);
        _metrics.RecordDeliveries(StorageMetrics.DeliveryOutcome.LeaseLost, result.LeaseLost.Count);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Webhook dispatcher started: batches of {BatchSize}, up to {MaxConcurrency} deliveries in flight.")]
        public static partial void Started(ILogger logger, int batchSize, int maxConcurrency);

        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Webhook dispatcher stopped.")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Claiming webhooks failed; retrying after the poll interval.")]
        public static partial void ClaimFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Acknowledged {Count} webhooks as {Outcome}.")]
        public static partial void Acknowledged(ILogger logger, int count, string outcome);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Webhook {WebhookId}: lease lost before the acknowledgement (another worker re-claimed it); it may be delivered twice.")]
        public static partial void LeaseLost(ILogger logger, string webhookId);

        [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Acknowledging {Count} webhooks failed; they will be delivered again when their leases run out.")]
        public static partial void AcknowledgeFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Renewing the lease of webhook {WebhookId} failed.")]
        public static partial void RenewFailed(ILogger logger, Exception exception, string webhookId);

        [LoggerMessage(EventId = 1107, Level = LogLevel.Error, Message = "Delivering webhook {WebhookId} crashed.")]
        public static partial void DeliveryCrashed(ILogger logger, Exception exception, string webhookId);
    }
}
