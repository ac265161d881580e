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
        /// </summary>
        public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder, Action<IdempotencyOptions>? configure = null)
            where TBuilder : IEndpointConventionBuilder
        {
            ArgumentNullException.ThrowIfNull(builder);
            var options = new IdempotencyOptions();
            configure?.Invoke(options);
            builder.WithMetadata(new IdempotentEndpointMetadata(options));
            builder.AddEndpointFilter(new IdempotencyEndpointFilter(options));
            return builder;
        }
    }
}
