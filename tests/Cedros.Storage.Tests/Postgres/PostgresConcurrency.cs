using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Concurrency;
using Xunit.Abstractions;

namespace Cedros.Storage.Tests.Postgres;

// Separate OS processes (Cedros.Storage.ProcessWorker) racing on one PostgreSQL schema, and kill -9 durability.
public sealed class PostgresCrossProcessRaceTests(PostgresFixture f) : CrossProcessRaceTests<PostgresFixture>(f);

public sealed class PostgresCrashTests(PostgresFixture f, ITestOutputHelper o) : CrashTests<PostgresFixture>(f, o);
