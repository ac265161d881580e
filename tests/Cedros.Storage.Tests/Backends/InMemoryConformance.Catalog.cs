// Cart quotes, refund quotes, Stripe sessions and the catalogue repositories, run on the in-memory backend.
namespace Cedros.Storage.Tests.Backends;

public sealed class InMemoryCartQuoteTests(InMemoryFixture f) : Conformance.CartQuoteConformance<InMemoryFixture>(f);
