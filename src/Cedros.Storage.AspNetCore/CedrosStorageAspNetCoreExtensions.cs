using Cedros.Storage.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers the ASP.NET Core integration of the storage layer.</summary>
    public static class CedrosStorageAspNetCoreServiceCollectionExtensions
    {
        /// <summary>
        /// Adds what the integration needs: <see cref="CedrosStorageHttpOptions"/>, the HTTP context accessor (for
        /// <see cref="HttpTenantAccessor"/>), ProblemDetails, and the exception handler that answers a
        /// <see cref="Cedros.Storage.StorageException"/> with its problem (<see cref="StorageProblemDetails"/>). Choose the
        /// accessor with <c>AddCedrosStorage(…).UseTenantAccessor&lt;HttpTenantAccessor&gt;()</c>, and call
        /// <c>app.UseCedrosStorage()</c>.
        /// </summary>
        public static IServiceCollection AddCedrosStorageAspNetCore(this IServiceCollection services,
            Action<CedrosStorageHttpOptions>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(services);
            var options = services.AddOptions<CedrosStorageHttpOptions>();
            if (configure is not null)
                options.Configure(configure);
            services.AddHttpContextAccessor();
            services.AddProblemDetails();
            services.AddExceptionHandler<StorageExceptionHandler>();
            return services;
        }
    }
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>The request pipeline and endpoint parts of the storage's ASP.NET Core integration.</summary>
    public static class CedrosStorageApplicationBuilderExtensions
    {
        /// <summary>
        /// Adds the exception handler (a <see cref="Cedros.Storage.StorageException"/> becomes its problem; anything
        /// else a 500 problem) and buffers the request body of endpoints marked <c>.WithIdempotency()</c>, so their
        /// fingerprint can hash it. Call it early, before the endpoints run.
        /// </summary>
        public static IApplicationBuilder UseCedrosStorage(this IApplicationBuilder app)
        {
            ArgumentNullException.ThrowIfNull(app);
            app.UseExceptionHandler();
            app.Use(static (context, next) =>
            {
                if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpointMetadata>() is not null)
                    context.Request.EnableBuffering();
                return next(context);
            });
            return app;
        }

        /// <summary>
        /// Makes the endpoint(s) idempotent on the <c>Idempotency-Key</c> header: the first request with a key runs and
        /// its response (status, headers, body) is stored; a retry with the same key and request gets that response again
        /// (header <c>Idempotent-Replayed: true</c>); while the first runs, 409; the same key with a different method,
        /// path, query or body, 422; a request that throws or answers 5xx releases the key. The store is the scoped
        /// <see cref="Cedros.Storage.IIdempotencyStore"/>, so keys are per tenant. Requires <c>app.UseCedrosStorage()</c>.
        /// Throws <see cref="ArgumentException"/> at mapping time for an empty header name or a TTL out of range
        /// (lock: (0, 1 day]; response: (0, 3650 days]).
        /// </summary>
        public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder, Action<IdempotencyOptions>? configure = null)
            where TBuilder : IEndpointConventionBuilder
        {
            ArgumentNullException.ThrowIfNull(builder);
            var options = new IdempotencyOptions();
            configure?.Invoke(options);
            // Checked here, at start-up: a bad setting must not surface as a 400 on every request.
            ArgumentException.ThrowIfNullOrWhiteSpace(options.HeaderName, "options.HeaderName");
            ArgumentNullException.ThrowIfNull(options.ShouldStore, "options.ShouldStore");
            if (options.LockTtl <= TimeSpan.Zero || options.LockTtl > TimeSpan.FromDays(1))
                throw new ArgumentOutOfRangeException(nameof(configure), options.LockTtl, "IdempotencyOptions.LockTtl must be in (0, 1 day].");
            if (options.ResponseTtl <= TimeSpan.Zero || options.ResponseTtl > TimeSpan.FromDays(3650))
                throw new ArgumentOutOfRangeException(nameof(configure), options.ResponseTtl, "IdempotencyOptions.ResponseTtl must be in (0, 3650 days].");
            builder.WithMetadata(new IdempotentEndpointMetadata(options));
            builder.AddEndpointFilter(new IdempotencyEndpointFilter(options));
            return builder;
        }
    }
}
