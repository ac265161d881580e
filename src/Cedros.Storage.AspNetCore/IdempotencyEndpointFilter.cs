using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Cedros.Storage.AspNetCore;

/// <summary>Marks an endpoint as idempotent, so that <c>UseCedrosStorage()</c> buffers its request body.</summary>
internal sealed class IdempotentEndpointMetadata(IdempotencyOptions options)
{
    public IdempotencyOptions Options { get; } = options;
}

/// <summary>
/// The <c>Idempotency-Key</c> filter (IETF draft-ietf-httpapi-idempotency-key-header; Stripe's behaviour) on the
/// storage's idempotency lock (contract §9): the first request with a key runs and its response is stored; a retry
/// gets the stored response (status, headers, body) with <c>Idempotent-Replayed: true</c>; a request while the first
/// is running gets 409; the same key with a different request (method, path, query or body) gets 422. A request that
/// throws or answers a status not stored (default: 5xx) releases the key.
/// </summary>
internal sealed partial class IdempotencyEndpointFilter(IdempotencyOptions options) : IEndpointFilter
{
    private const int MaxKeyLength = 255;

    // Headers that describe one transmission, not the response: never stored, never replayed.
    private static readonly HashSet<string> NotStored = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Date, HeaderNames.Server, HeaderNames.TransferEncoding, HeaderNames.Connection,
        HeaderNames.ContentLength, HeaderNames.SetCookie, HeaderNames.KeepAlive, HeaderNames.Upgrade,
    };

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keyValues = http.Request.Headers[options.HeaderName];
        if (keyValues.Count == 0)
            return options.Required ? Problem(StatusCodes.Status400BadRequest, "Idempotency key required",
                $"This request requires the {options.HeaderName} header.") : await next(context).ConfigureAwait(false);
        var key = keyValues.Count == 1 ? keyValues[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
            return Problem(StatusCodes.Status400BadRequest, "Invalid idempotency key",
                $"The {options.HeaderName} header must be one value of 1-{MaxKeyLength} characters.");

        var fingerprint = await FingerprintAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        var store = http.RequestServices.GetRequiredService<IIdempotencyStore>();
        var begin = await store.TryBeginIdempotentRequestAsync(key, fingerprint, options.LockTtl, http.RequestAborted).ConfigureAwait(false);
        switch (begin.Outcome)
        {
            case IdempotencyBeginOutcome.Completed:
                return new ReplayResult(begin.Response!);
            case IdempotencyBeginOutcome.InProgress:
                http.Response.Headers.RetryAfter = "1";
                return Problem(StatusCodes.Status409Conflict, "Request in progress",
                    $"A request with this {options.HeaderName} is still being processed; retry later.");
            case IdempotencyBeginOutcome.FingerprintMismatch:
                return Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                    $"This {options.HeaderName} was used with a different request.");
        }

        var lockToken = begin.LockToken!;
        var logger = http.RequestServices.GetRequiredService<ILogger<IdempotencyEndpointFilter>>();
        var originalBody = http.Response.Body;
        using var buffer = new MemoryStream();
        try
        {
            http.Response.Body = buffer;
            var result = await next(context).ConfigureAwait(false);
            await AsResult(result).ExecuteAsync(http).ConfigureAwait(false);
        }
        catch
        {
            http.Response.Body = originalBody;
            await ReleaseAsync(store, key, lockToken, logger).ConfigureAwait(false);
            throw;
        }
        finally
        {
            http.Response.Body = originalBody;
        }

        var status = http.Response.StatusCode;
        var body = buffer.ToArray();
        if (options.ShouldStore(status))
        {
            var response = new IdempotencyResponse { StatusCode = status, Headers = StoredHeaders(http.Response.Headers), Body = body };
            try
            {
                await store.CompleteIdempotentRequestAsync(key, lockToken, response, options.ResponseTtl, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (StorageException ex)
            {
                // The work is done: answer it even if it cannot be stored (lock lost to a retry after LockTtl, body over 1 MiB).
                LogNotStored(logger, ex, key);
                await ReleaseAsync(store, key, lockToken, logger).ConfigureAwait(false);
            }
        }
        else
        {
            await ReleaseAsync(store, key, lockToken, logger).ConfigureAwait(false);
        }

        if (body.Length > 0)
            await originalBody.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
        return EmptyResult;
    }

    private static readonly EmptyHttpResult EmptyResult = TypedResults.Empty;

    /// <summary>What the framework would have written for the handler's return value.</summary>
    private static IResult AsResult(object? value) => value switch
    {
        IResult result => result,
        null => TypedResults.Empty,
        string text => TypedResults.Text(text),
        _ => TypedResults.Json(value),
    };

    /// <summary>SHA-256 of method, path, query and the SHA-256 of the body.</summary>
    internal static async Task<string> FingerprintAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        byte[] bodyHash;
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            bodyHash = await SHA256.HashDataAsync(request.Body, cancellationToken).ConfigureAwait(false);
            request.Body.Position = 0;
        }
        else if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey(HeaderNames.TransferEncoding)))
        {
            bodyHash = SHA256.HashData(ReadOnlySpan<byte>.Empty);
        }
        else
        {
            throw new InvalidOperationException(
                "The request body of an idempotent endpoint must be buffered: call app.UseCedrosStorage() before mapping endpoints.");
        }
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{request.Method}\n{request.PathBase}{request.Path}\n{request.QueryString}\n{Convert.ToHexString(bodyHash)}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static Dictionary<string, string> StoredHeaders(IHeaderDictionary headers)
    {
        var stored = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
            if (!NotStored.Contains(name))
                stored[name] = value.ToString();
        return stored;
    }

    private static async Task ReleaseAsync(IIdempotencyStore store, string key, string lockToken, ILogger logger)
    {
        try
        {
            await store.ReleaseIdempotentRequestAsync(key, lockToken, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StorageException ex)
        {
            // The lock lapses after LockTtl anyway.
            LogNotReleased(logger, ex, key);
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Response for idempotency key {Key} was answered but not stored")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Idempotency key {Key} could not be released; it lapses after its lock TTL")]
    private static partial void LogNotReleased(ILogger logger, Exception exception, string key);
}

/// <summary>Writes a stored response again, marked <c>Idempotent-Replayed: true</c>.</summary>
internal sealed class ReplayResult(IdempotencyResponse response) : IResult
{
    public IdempotencyResponse Response { get; } = response;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var http = httpContext.Response;
        http.StatusCode = Response.StatusCode;
        foreach (var (name, value) in Response.Headers)
            http.Headers[name] = value;
        http.Headers[IdempotencyOptions.ReplayedHeader] = "true";
        http.ContentLength = Response.Body.Length;
        if (Response.Body.Length > 0)
            await http.Body.WriteAsync(Response.Body, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
