using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cedros.Storage.AspNetCore;

/// <summary>
/// How a <see cref="StorageException"/> becomes an HTTP problem (RFC 9457): the status per
/// <see cref="StorageErrorKind"/> and the problem body. Used by the exception handler that
/// <c>AddCedrosStorageAspNetCore</c> registers; call it yourself to answer a caught exception.
/// </summary>
/// <remarks>
/// NotFound → 404; Conflict → 409 (a payment replay, a nonce already consumed, a lost claim); Validation → 400;
/// Expired → 410; LimitReached → 422 (well-formed, but stock or a coupon's usage is exhausted); Unavailable → 503 with
/// <c>Retry-After</c>; Internal → 500. A <see cref="StorageConfigurationException"/> (kind Validation, but a deployment
/// fault) → 500. The detail is the exception's message (storage messages name the entity and id, never a connection
/// string) except for 500 and 503, whose detail is generic. The extension <c>kind</c> carries the kind
/// (<c>not_found</c>, <c>conflict</c>, …), <c>field</c> the offending field when known.
/// </remarks>
public static class StorageProblemDetails
{
    /// <summary>The HTTP status for <paramref name="exception"/>.</summary>
    public static int StatusCodeOf(StorageException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is StorageConfigurationException)
            return StatusCodes.Status500InternalServerError;
        return exception.Kind switch
        {
            StorageErrorKind.NotFound => StatusCodes.Status404NotFound,
            StorageErrorKind.Conflict => StatusCodes.Status409Conflict,
            StorageErrorKind.Validation => StatusCodes.Status400BadRequest,
            StorageErrorKind.Expired => StatusCodes.Status410Gone,
            StorageErrorKind.LimitReached => StatusCodes.Status422UnprocessableEntity,
            StorageErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        };
    }

    /// <summary>The problem for <paramref name="exception"/>.</summary>
    public static ProblemDetails Create(StorageException exception)
    {
        var status = StatusCodeOf(exception);
        var problem = new ProblemDetails
        {
            Status = status,
            Title = TitleOf(exception, status),
            Detail = status >= 500 ? GenericDetail(status) : exception.Message,
        };
        problem.Extensions["kind"] = KindText(exception.Kind);
        if (exception is StorageValidationException { Field: { } field } && status < 500)
            problem.Extensions["field"] = field;
        return problem;
    }

    /// <summary>The kind as snake_case text (<c>not_found</c>, <c>limit_reached</c>, …).</summary>
    public static string KindText(StorageErrorKind kind) => Observability.StorageTelemetry.KindTag(kind);

    private static string TitleOf(StorageException exception, int status) => exception switch
    {
        PaymentReplayException => "Payment already processed",
        NonceException => "Admin nonce refused",
        InvalidTenantException => "Invalid tenant",
        _ => status switch
        {
            StatusCodes.Status404NotFound => "Not found",
            StatusCodes.Status409Conflict => "Conflict",
            StatusCodes.Status400BadRequest => "Invalid request",
            StatusCodes.Status410Gone => "Expired",
            StatusCodes.Status422UnprocessableEntity => "Limit reached",
            StatusCodes.Status503ServiceUnavailable => "Storage unavailable",
            _ => "Internal error",
        },
    };

    private static string GenericDetail(int status) => status == StatusCodes.Status503ServiceUnavailable
        ? "The database could not be reached; retry later."
        : "An internal storage error occurred.";
}
