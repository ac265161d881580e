using System.Data.Common;
using Cedros.Storage.Internal;
using Cedros.Storage.Sql;
using static Cedros.Storage.Sql.SqlCodec;

namespace Cedros.Storage.Schema.Rows;

internal static class OrderRow
{
    public const string Columns = "id, tenant_id, source, purchase_id, resource_id, user_id, customer, status, items, amount, amount_asset, " +
        "customer_email, shipping, metadata, created_at, updated_at, status_updated_at";
    public static readonly string Values = RowText.Params(Columns);

    public static Order Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = Str(r, 0),
        TenantId = Str(r, 1),
        Source = Str(r, 2),
        PurchaseId = Str(r, 3),
        ResourceId = Str(r, 4),
        UserId = OptStr(r, 5),
        Customer = OptStr(r, 6),
        Status = EnumOf(r, 7, OrderStatus.Created),
        Items = JsonList<OrderItem>(r, 8),
        Amount = Long(r, 9),
        AmountAsset = Str(r, 10),
        CustomerEmail = OptStr(r, 11),
        Shipping = StorageJson.OptionalMap(OptStr(r, 12)),
        Metadata = Meta(r, 13),
        CreatedAt = c.Time(r, 14),
        UpdatedAt = c.OptTime(r, 15),
        StatusUpdatedAt = c.OptTime(r, 16),
    };

    public static (string, object?)[] Args(Order o, string tenantId, SqlCodec c) =>
    [
        ("@id", o.Id), ("@tenant_id", tenantId), ("@source", o.Source), ("@purchase_id", o.PurchaseId), ("@resource_id", o.ResourceId),
        ("@user_id", o.UserId), ("@customer", o.Customer), ("@status", Text(o.Status)), ("@items", c.Json(o.Items)),
        ("@amount", o.Amount), ("@amount_asset", o.AmountAsset), ("@customer_email", o.CustomerEmail), ("@shipping", c.Json(o.Shipping)),
        ("@metadata", c.Json(o.Metadata)), ("@created_at", o.CreatedAt), ("@updated_at", c.TimeArg(o.UpdatedAt)),
        ("@status_updated_at", c.TimeArg(o.StatusUpdatedAt)),
    ];
}

internal static class OrderHistoryRow
{
    public const string Columns = "id, tenant_id, order_id, from_status, to_status, note, actor, created_at";
    public static readonly string Values = RowText.Params(Columns);

    public static OrderHistoryEntry Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = Str(r, 0),
        TenantId = Str(r, 1),
        OrderId = Str(r, 2),
        FromStatus = EnumOf(r, 3, OrderStatus.Created),
        ToStatus = EnumOf(r, 4, OrderStatus.Created),
        Note = OptStr(r, 5),
        Actor = OptStr(r, 6),
        CreatedAt = c.Time(r, 7),
    };

    public static (string, object?)[] Args(OrderHistoryEntry e, string tenantId) =>
    [
        ("@id", e.Id), ("@tenant_id", tenantId), ("@order_id", e.OrderId), ("@from_status", Text(e.FromStatus)),
        ("@to_status", Text(e.ToStatus)), ("@note", e.Note), ("@actor", e.Actor), ("@created_at", e.CreatedAt),
    ];
}
