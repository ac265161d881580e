// Cart quotes, refund quotes, Stripe sessions and the catalogue repositories, run on the in-memory backend.
namespace Cedros.Storage.Tests.Backends;

public sealed class InMemoryCartQuoteTests(InMemoryFixture f) : Conformance.CartQuoteConformance<InMemoryFixture>(f);
public sealed class InMemoryRefundQuoteTests(InMemoryFixture f) : Conformance.RefundQuoteConformance<InMemoryFixture>(f);
public sealed class InMemoryStripeSessionTests(InMemoryFixture f) : Conformance.StripeSessionConformance<InMemoryFixture>(f);
public sealed class InMemoryProductTests(InMemoryFixture f) : Conformance.ProductConformance<InMemoryFixture>(f);
public sealed class InMemoryCouponTests(InMemoryFixture f) : Conformance.CouponConformance<InMemoryFixture>(f);
public sealed class InMemorySubscriptionTests(InMemoryFixture f) : Conformance.SubscriptionConformance<InMemoryFixture>(f);
