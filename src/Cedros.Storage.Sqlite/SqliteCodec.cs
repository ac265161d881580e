using System.Data.Common;
using Cedros.Storage.Internal;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Sqlite;

/// <summary>SQLite's values: instants are INTEGER microseconds since the epoch (<see cref="SqliteSession.ToDb"/> writes
/// them), JSON is TEXT, and a LIMIT of -1 is no limit.</summary>
internal sealed class SqliteCodec : SqlCodec
{
    public static readonly SqliteCodec Instance = new();

    protected override string OrdinalCollation => "BINARY";

    public override DateTimeOffset? OptTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : StorageTime.FromUnixMicros(r.GetInt64(i));

    public override string NotNullStr(DbDataReader r, int i) => r.GetString(i);

    public override long NotNullLong(DbDataReader r, int i) => r.GetInt64(i);

    public override DateTimeOffset NotNullTime(DbDataReader r, int i) => StorageTime.FromUnixMicros(r.GetInt64(i));

    public override object Limit(int? limit) => limit ?? -1;
}
