using Cedros.Storage.Tests.Backends;
using Xunit.Abstractions;

namespace Cedros.Storage.Tests.Concurrency;

public sealed class SqliteCrossProcessRaceTests(SqliteFixture f) : CrossProcessRaceTests<SqliteFixture>(f);

public sealed class SqliteCrashTests(SqliteFixture f, ITestOutputHelper o) : CrashTests<SqliteFixture>(f, o);
