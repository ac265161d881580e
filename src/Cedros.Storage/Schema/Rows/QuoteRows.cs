using System.Data.Common;
using Cedros.Storage.Internal;
using Cedros.Storage.Sql;
using static Cedros.Storage.Sql.SqlCodec;

namespace Cedros.Storage.Schema.Rows;

internal static class RefundQuoteRow
{
    public const string Columns = "id, tenant_id, original_purchase_id, recipient_wallet, amount, amount_asset, token, token_mint, " +
        "token_decimals, status, processed_by, processed_at, signature, reason, metadata, created_at, expires_at";
    public static readonly string Values = RowText.Params(Columns);

    public static RefundQuote Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = Str(r, 0),
        TenantId = Str(r, 1),
        OriginalPurchaseId = Str(r, 2),
        RecipientWallet = Str(r, 3),
        Amount = Long(r, 4),
        AmountAsset = Str(r, 5),
        Token = OptStr(r, 6),
        TokenMint = OptStr(r, 7),
        TokenDecimals = r.IsDBNull(8) ? (short)0 : r.GetInt16(8),
        Status = EnumOf(r, 9, RefundStatus.Pending),
        ProcessedBy = OptStr(r, 10),
        ProcessedAt = c.OptTime(r, 11),
        Signature = OptStr(r, 12),
        Reason = OptStr(r, 13),
        Metadata = Meta(r, 14),
        CreatedAt = c.Time(r, 15),
        ExpiresAt = c.Time(r, 16),
    };

    public static (string, object?)[] Args(RefundQuote q, string tenantId, SqlCodec c) =>
    [
        ("@id", q.Id), ("@tenant_id", tenantId), ("@original_purchase_id", q.OriginalPurchaseId), ("@recipient_wallet", q.RecipientWallet),
        ("@amount", q.Amount), ("@amount_asset", q.AmountAsset), ("@token", q.Token), ("@token_mint", q.TokenMint),
        ("@token_decimals", q.TokenDecimals), ("@status", Text(q.Status)), ("@processed_by", q.ProcessedBy),
        ("@processed_at", c.TimeArg(q.ProcessedAt)), ("@signature", q.Signature), ("@reason", q.Reason), ("@metadata", c.Json(q.Metadata)),
        ("@created_at", q.CreatedAt), ("@expires_at", q.ExpiresAt),
    ];
}

internal static class CartQuoteRow
{
    public const string Columns = "id, tenant_id, items, total_amount, total_asset, metadata, created_at, expires_at, wallet_paid_by";
    public static readonly string Values = RowText.Params(Columns);

    public static CartQuote Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = c.NotNullStr(r, 0),
        TenantId = c.NotNullStr(r, 1),
        Items = JsonList<CartItem>(c.NotNullStr(r, 2)),
        TotalAmount = c.NotNullLong(r, 3),
        TotalAsset = c.NotNullStr(r, 4),
        Metadata = StorageJson.Metadata(c.NotNullStr(r, 5)),
        CreatedAt = c.NotNullTime(r, 6),
        ExpiresAt = c.NotNullTime(r, 7),
        WalletPaidBy = OptStr(r, 8),
    };

    public static (string, object?)[] Args(CartQuote q, string tenantId, SqlCodec c) =>
    [
        ("@id", q.Id), ("@tenant_id", tenantId), ("@items", c.Json(q.Items)), ("@total_amount", q.TotalAmount),
        ("@total_asset", q.TotalAsset), ("@metadata", c.Json(q.Metadata)), ("@created_at", q.CreatedAt), ("@expires_at", q.ExpiresAt),
        ("@wallet_paid_by", q.WalletPaidBy),
    ];
}

internal static class StripeSessionRow
{
    public const string Columns = "id, tenant_id, resource_id, status, amount_cents, currency, customer_email, metadata, created_at, completed_at";
    public static readonly string Values = RowText.Params(Columns);

    public static StripeSession Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = Str(r, 0),
        TenantId = Str(r, 1),
        ResourceId = Str(r, 2),
        Status = EnumOf(r, 3, StripeSessionStatus.Pending),
        AmountCents = Long(r, 4),
        Currency = Str(r, 5),
        CustomerEmail = OptStr(r, 6),
        Metadata = Meta(r, 7),
        CreatedAt = c.Time(r, 8),
        CompletedAt = c.OptTime(r, 9),
    };

    public static (string, object?)[] Args(StripeSession s, string tenantId, SqlCodec c) =>
    [
        ("@id", s.Id), ("@tenant_id", tenantId), ("@resource_id", s.ResourceId), ("@status", Text(s.Status)),
        ("@amount_cents", s.AmountCents), ("@currency", s.Currency), ("@customer_email", s.CustomerEmail),
        ("@metadata", c.Json(s.Metadata)), ("@created_at", s.CreatedAt), ("@completed_at", c.TimeArg(s.CompletedAt)),
    ];
}
