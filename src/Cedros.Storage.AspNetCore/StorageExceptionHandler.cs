using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cedros.Storage.AspNetCore;

/// <summary>Answers a <see cref="StorageException"/> with its problem (<see cref="StorageProblemDetails"/>).</summary>
internal sealed partial class StorageExceptionHandler(
    IProblemDetailsService problemDetails, IOptions<CedrosStorageHttpOptions> options, ILogger<StorageExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (FindStorageException(exception) is not { } storageException || httpContext.Response.HasStarted)
            return false;
        var problem = StorageProblemDetails.Create(storageException);
        var status = problem.Status!.Value;
        if (status >= 500)
            LogServerError(logger, storageException, status);
        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
            httpContext.Response.Headers.RetryAfter =
                Math.Max(1, (long)Math.Ceiling(options.Value.UnavailableRetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = storageException,
        }).ConfigureAwait(false);
    }

    /// <summary>The exception itself, or a storage exception wrapped once (e.g. by a parameter binder).</summary>
    private static StorageException? FindStorageException(Exception exception) => exception switch
    {
        StorageException storage => storage,
        { InnerException: StorageException inner } => inner,
        _ => null,
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Storage error answered with {Status}")]
    private static partial void LogServerError(ILogger logger, Exception exception, int status);
}
