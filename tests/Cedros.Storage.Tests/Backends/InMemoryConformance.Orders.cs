// Orders, fulfillments, inventory reservations and transactions, run on the in-memory backend.
namespace Cedros.Storage.Tests.Backends;

public sealed class InMemoryOrderTests(InMemoryFixture f) : Conformance.OrderConformance<InMemoryFixture>(f);
public sealed class InMemoryFulfillmentTests(InMemoryFixture f) : Conformance.FulfillmentConformance<InMemoryFixture>(f);
public sealed class InMemoryInventoryTests(InMemoryFixture f) : Conformance.InventoryConformance<InMemoryFixture>(f);
public sealed class InMemoryTransactionTests(InMemoryFixture f) : Conformance.TransactionConformance<InMemoryFixture>(f);
