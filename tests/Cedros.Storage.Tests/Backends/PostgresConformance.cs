// Every conformance class, run on PostgreSQL: one line each (each storage in its own fresh schema).
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Backends;

public sealed class PostgresCartQuoteTests(PostgresFixture f) : CartQuoteConformance<PostgresFixture>(f);
public sealed class PostgresRefundQuoteTests(PostgresFixture f) : RefundQuoteConformance<PostgresFixture>(f);
public sealed class PostgresStripeSessionTests(PostgresFixture f) : StripeSessionConformance<PostgresFixture>(f);
public sealed class PostgresProductTests(PostgresFixture f) : ProductConformance<PostgresFixture>(f);
public sealed class PostgresCouponTests(PostgresFixture f) : CouponConformance<PostgresFixture>(f);
public sealed class PostgresSubscriptionTests(PostgresFixture f) : SubscriptionConformance<PostgresFixture>(f);
public sealed class PostgresOrderTests(PostgresFixture f) : OrderConformance<PostgresFixture>(f);
public sealed class PostgresFulfillmentTests(PostgresFixture f) : FulfillmentConformance<PostgresFixture>(f);
public sealed class PostgresInventoryTests(PostgresFixture f) : InventoryConformance<PostgresFixture>(f);
public sealed class PostgresTransactionTests(PostgresFixture f) : TransactionConformance<PostgresFixture>(f);
public sealed class PostgresPaymentLedgerTests(PostgresFixture f) : PaymentLedgerConformance<PostgresFixture>(f);
public sealed class PostgresPaymentAttemptTests(PostgresFixture f) : PaymentAttemptConformance<PostgresFixture>(f);
public sealed class PostgresAdminNonceTests(PostgresFixture f) : AdminNonceConformance<PostgresFixture>(f);
public sealed class PostgresWebhookQueueTests(PostgresFixture f) : WebhookQueueConformance<PostgresFixture>(f);
public sealed class PostgresWebhookObservabilityTests(PostgresFixture f) : WebhookObservabilityConformance<PostgresFixture>(f);
public sealed class PostgresIdempotencyTests(PostgresFixture f) : IdempotencyConformance<PostgresFixture>(f);
public sealed class PostgresRaceTests(PostgresFixture f) : RaceConformance<PostgresFixture>(f);
public sealed class PostgresBadInputTests(PostgresFixture f) : BadInputConformance<PostgresFixture>(f);
public sealed class PostgresObservabilityTests(PostgresFixture f) : ObservabilityConformance<PostgresFixture>(f);

// The same classes with every table renamed through the schema mapping (a custom mapping passes the suite).
public sealed class PostgresRenamedOrderTests(PostgresRenamedTablesFixture f) : OrderConformance<PostgresRenamedTablesFixture>(f);
public sealed class PostgresRenamedPaymentLedgerTests(PostgresRenamedTablesFixture f) : PaymentLedgerConformance<PostgresRenamedTablesFixture>(f);
public sealed class PostgresRenamedWebhookQueueTests(PostgresRenamedTablesFixture f) : WebhookQueueConformance<PostgresRenamedTablesFixture>(f);
public sealed class PostgresRenamedCouponTests(PostgresRenamedTablesFixture f) : CouponConformance<PostgresRenamedTablesFixture>(f);
public sealed class PostgresRenamedInventoryTests(PostgresRenamedTablesFixture f) : InventoryConformance<PostgresRenamedTablesFixture>(f);
public sealed class PostgresRenamedIdempotencyTests(PostgresRenamedTablesFixture f) : IdempotencyConformance<PostgresRenamedTablesFixture>(f);

// Rows written by earlier servers: into a migrated schema, and into a seed-DDL schema that the library then adopts.
public sealed class PostgresLegacyJsonTests(PostgresLegacyFixture f) : LegacyJsonConformance<PostgresLegacyFixture>(f);
public sealed class PostgresSeedLegacyJsonTests(PostgresSeedLegacyFixture f) : LegacyJsonConformance<PostgresSeedLegacyFixture>(f);
