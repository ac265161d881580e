using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Concurrency;

public sealed class SqliteCrossProcessRaceTests(SqliteFixture f) : CrossProcessRaceTests<SqliteFixture>(f);

public sealed class SqliteCrashTests(SqliteFixture f) : CrashTests<SqliteFixture>(f);
