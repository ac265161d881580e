// The ledger-side conformance classes (§6–§9 and the races), run on the in-memory backend.
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Backends;

public sealed class InMemoryPaymentLedgerTests(InMemoryFixture f) : PaymentLedgerConformance<InMemoryFixture>(f);
public sealed class InMemoryPaymentAttemptTests(InMemoryFixture f) : PaymentAttemptConformance<InMemoryFixture>(f);

public sealed class InMemoryAdminNonceTests(InMemoryFixture f) : AdminNonceConformance<InMemoryFixture>(f);

public sealed class InMemoryWebhookQueueTests(InMemoryFixture f) : WebhookQueueConformance<InMemoryFixture>(f);

public sealed class InMemoryWebhookObservabilityTests(InMemoryFixture f) : WebhookObservabilityConformance<InMemoryFixture>(f);

public sealed class InMemoryIdempotencyTests(InMemoryFixture f) : IdempotencyConformance<InMemoryFixture>(f);

public sealed class InMemoryRaceTests(InMemoryFixture f) : RaceConformance<InMemoryFixture>(f);
