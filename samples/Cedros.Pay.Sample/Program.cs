// Cedros Pay reference server: a minimal API on the public packages Cedros.Storage, Cedros.Storage.Sqlite,
// Cedros.Storage.Postgres and Cedros.Storage.AspNetCore. Configuration section `storage` picks the backend
// (storage:backend = sqlite | postgres); section `pay` holds the sample's own settings.
using System.Text.Json.Serialization;
using Cedros.Pay.Sample;
using Cedros.Storage.AspNetCore;
using Cedros.Storage.Postgres;
using Cedros.Storage.Sqlite;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddCedrosStorage(builder.Configuration)     // binds `storage`, validated at start, maintenance services
    .AddBackend<SqliteBackendFactory>()                        // storage:backend = sqlite (the default)
    .AddBackend<PostgresBackendFactory>()                      // storage:backend = postgres
    .UseTenantAccessor<HttpTenantAccessor>();                  // the tenant is the X-Tenant-Id header (or a {tenantId} route value)
builder.Services.AddCedrosStorageAspNetCore();                // ProblemDetails for StorageException, HttpTenantAccessor's options
builder.Services.AddHealthChecks().AddCedrosStorage();

builder.Services.Configure<PayOptions>(builder.Configuration.GetSection("pay"));
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddSingleton<IChainVerifier, StubChainVerifier>();   // STUB: the on-chain check
builder.Services.AddSingleton<IPayoutSender, StubPayoutSender>();     // STUB: the refund transfer

// ── Webhook delivery ─────────────────────────────────────────────────────────────────────────────────────────────
// The webhooks this server enqueues (order.paid, order.shipped, refund.processed, each in the same transaction as
// the change it reports) are delivered by the core's dispatcher, signed with pay:merchantWebhookSecret.
// pay:deliverWebhooks = false leaves them queued (the in-process tests inspect the queue as written).
if (builder.Configuration.GetValue("pay:deliverWebhooks", true))
    builder.Services.AddCedrosWebhookDispatcher(o => o.SigningSecret = _ => builder.Configuration["pay:merchantWebhookSecret"]);
// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────

var app = builder.Build();

app.UseCedrosStorage();            // exception → ProblemDetails; buffers bodies of .WithIdempotency() endpoints
app.MapHealthChecks("/health");    // Healthy when the database answers and its schema matches the library
app.MapPayEndpoints();

app.Run();

/// <summary>The sample's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
