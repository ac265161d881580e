// The conformance suite on PostgreSQL through PgBouncer 1.18 in transaction pool mode (CEDROS_TEST_PGBOUNCER): one line
// per class; each storage's tables live in a fresh schema named through the schema mapping (PgBouncerFixture).
// Every conformance class runs through PgBouncer in the default build (scripts/test.sh, CI): a finished test's schema is
// emptied and handed to the next test of its class (Backends/SchemaPool.cs), so the suite no longer pays a schema
// creation and migration per test, which made running it twice on PostgreSQL too slow for CI before.
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Backends;

public sealed class PgBouncerInventoryTests(PgBouncerFixture f) : InventoryConformance<PgBouncerFixture>(f);
public sealed class PgBouncerTransactionTests(PgBouncerFixture f) : TransactionConformance<PgBouncerFixture>(f);
public sealed class PgBouncerPaymentLedgerTests(PgBouncerFixture f) : PaymentLedgerConformance<PgBouncerFixture>(f);
public sealed class PgBouncerPaymentAttemptTests(PgBouncerFixture f) : PaymentAttemptConformance<PgBouncerFixture>(f);
public sealed class PgBouncerAdminNonceTests(PgBouncerFixture f) : AdminNonceConformance<PgBouncerFixture>(f);
public sealed class PgBouncerWebhookQueueTests(PgBouncerFixture f) : WebhookQueueConformance<PgBouncerFixture>(f);
public sealed class PgBouncerIdempotencyTests(PgBouncerFixture f) : IdempotencyConformance<PgBouncerFixture>(f);
public sealed class PgBouncerRaceTests(PgBouncerFixture f) : RaceConformance<PgBouncerFixture>(f);

public sealed class PgBouncerCartQuoteTests(PgBouncerFixture f) : CartQuoteConformance<PgBouncerFixture>(f);
public sealed class PgBouncerRefundQuoteTests(PgBouncerFixture f) : RefundQuoteConformance<PgBouncerFixture>(f);
public sealed class PgBouncerStripeSessionTests(PgBouncerFixture f) : StripeSessionConformance<PgBouncerFixture>(f);
public sealed class PgBouncerProductTests(PgBouncerFixture f) : ProductConformance<PgBouncerFixture>(f);
public sealed class PgBouncerCouponTests(PgBouncerFixture f) : CouponConformance<PgBouncerFixture>(f);
public sealed class PgBouncerSubscriptionTests(PgBouncerFixture f) : SubscriptionConformance<PgBouncerFixture>(f);
public sealed class PgBouncerOrderTests(PgBouncerFixture f) : OrderConformance<PgBouncerFixture>(f);
public sealed class PgBouncerFulfillmentTests(PgBouncerFixture f) : FulfillmentConformance<PgBouncerFixture>(f);
public sealed class PgBouncerWebhookObservabilityTests(PgBouncerFixture f) : WebhookObservabilityConformance<PgBouncerFixture>(f);
public sealed class PgBouncerBadInputTests(PgBouncerFixture f) : BadInputConformance<PgBouncerFixture>(f);
public sealed class PgBouncerObservabilityTests(PgBouncerFixture f) : ObservabilityConformance<PgBouncerFixture>(f);
