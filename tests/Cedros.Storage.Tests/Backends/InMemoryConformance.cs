// Every conformance class, run on the in-memory backend: one line each.
namespace Cedros.Storage.Tests.Backends;
public sealed class InMemoryBadInputTests(InMemoryFixture f) : Conformance.BadInputConformance<InMemoryFixture>(f);
public sealed class InMemoryObservabilityTests(InMemoryFixture f) : Conformance.ObservabilityConformance<InMemoryFixture>(f);
