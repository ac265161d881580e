using System.Data.Common;
using Cedros.Storage.Sql;
using static Cedros.Storage.Sql.SqlCodec;

namespace Cedros.Storage.Schema.Rows;

/// <summary>The ledger row (<c>[[payments]]</c>; the archive has the same columns but attempt_id).</summary>
internal static class PaymentRow
{
    public const string Columns = "signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata";
    public const string ColumnsWithAttempt = Columns + ", attempt_id";
    public static readonly string Values = RowText.Params(ColumnsWithAttempt);

    /// <summary>Reads <see cref="Columns"/> and, as column 8, the attempt id (NULL for an archived row).</summary>
    public static PaymentTransaction Read(DbDataReader r, SqlCodec c) => new()
    {
        Signature = Str(r, 0),
        TenantId = Str(r, 1),
        ResourceId = Str(r, 2),
        Wallet = Str(r, 3),
        Amount = Long(r, 4),
        AmountAsset = Str(r, 5),
        CreatedAt = c.Time(r, 6),
        Metadata = Meta(r, 7),
        AttemptId = OptStr(r, 8),
    };

    public static (string, object?)[] Args(PaymentTransaction p, string tenantId, SqlCodec c) =>
    [
        ("@signature", p.Signature), ("@tenant_id", tenantId), ("@resource_id", p.ResourceId), ("@wallet", p.Wallet),
        ("@amount", p.Amount), ("@amount_asset", p.AmountAsset), ("@created_at", p.CreatedAt), ("@metadata", c.Json(p.Metadata)),
        ("@attempt_id", c.TextArg(p.AttemptId)),
    ];
}
