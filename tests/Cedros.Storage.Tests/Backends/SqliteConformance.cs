// Every conformance class, run on SQLite (a fresh database file per test): one line each.
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Backends;

public sealed class SqliteCartQuoteTests(SqliteFixture f) : CartQuoteConformance<SqliteFixture>(f);
public sealed class SqliteRefundQuoteTests(SqliteFixture f) : RefundQuoteConformance<SqliteFixture>(f);
public sealed class SqliteStripeSessionTests(SqliteFixture f) : StripeSessionConformance<SqliteFixture>(f);
public sealed class SqliteProductTests(SqliteFixture f) : ProductConformance<SqliteFixture>(f);
public sealed class SqliteCouponTests(SqliteFixture f) : CouponConformance<SqliteFixture>(f);
public sealed class SqliteSubscriptionTests(SqliteFixture f) : SubscriptionConformance<SqliteFixture>(f);
public sealed class SqliteOrderTests(SqliteFixture f) : OrderConformance<SqliteFixture>(f);
public sealed class SqliteFulfillmentTests(SqliteFixture f) : FulfillmentConformance<SqliteFixture>(f);
public sealed class SqliteInventoryTests(SqliteFixture f) : InventoryConformance<SqliteFixture>(f);
public sealed class SqliteTransactionTests(SqliteFixture f) : TransactionConformance<SqliteFixture>(f);
public sealed class SqlitePaymentLedgerTests(SqliteFixture f) : PaymentLedgerConformance<SqliteFixture>(f);
public sealed class SqlitePaymentAttemptTests(SqliteFixture f) : PaymentAttemptConformance<SqliteFixture>(f);
public sealed class SqliteAdminNonceTests(SqliteFixture f) : AdminNonceConformance<SqliteFixture>(f);
public sealed class SqliteWebhookQueueTests(SqliteFixture f) : WebhookQueueConformance<SqliteFixture>(f);
public sealed class SqliteWebhookObservabilityTests(SqliteFixture f) : WebhookObservabilityConformance<SqliteFixture>(f);
public sealed class SqliteIdempotencyTests(SqliteFixture f) : IdempotencyConformance<SqliteFixture>(f);
public sealed class SqliteRaceTests(SqliteFixture f) : RaceConformance<SqliteFixture>(f);
public sealed class SqliteBadInputTests(SqliteFixture f) : BadInputConformance<SqliteFixture>(f);
public sealed class SqliteObservabilityTests(SqliteFixture f) : ObservabilityConformance<SqliteFixture>(f);

// Rows written by earlier servers, inserted through a raw connection (LegacyRowFixtures.cs).
public sealed class SqliteLegacyJsonTests(SqliteLegacyFixture f) : LegacyJsonConformance<SqliteLegacyFixture>(f);
