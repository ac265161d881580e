using System.Data.Common;
using Cedros.Storage.Internal;
using Cedros.Storage.Sql;
using static Cedros.Storage.Sql.SqlCodec;

namespace Cedros.Storage.Schema.Rows;

internal static class ProductRow
{
    public const string Columns = "id, tenant_id, description, fiat_amount, fiat_currency, stripe_price_id, crypto_amount, crypto_token, " +
        "crypto_account, memo_template, metadata, active, subscription_config, created_at, updated_at";
    public static readonly string Values = RowText.Params(Columns);

    public static Product Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = Str(r, 0),
        TenantId = Str(r, 1),
        Description = Str(r, 2),
        FiatAmount = OptLong(r, 3),
        FiatCurrency = OptStr(r, 4),
        StripePriceId = OptStr(r, 5),
        CryptoAmount = OptLong(r, 6),
        CryptoToken = OptStr(r, 7),
        CryptoAccount = OptStr(r, 8),
        MemoTemplate = OptStr(r, 9),
        Metadata = Meta(r, 10),
        Active = Bool(r, 11),
        SubscriptionConfig = StorageJson.Deserialize<ProductSubscriptionConfig?>(OptStr(r, 12) is "null" ? null : OptStr(r, 12), null),
        CreatedAt = c.Time(r, 13),
        UpdatedAt = c.Time(r, 14),
    };

    public static (string, object?)[] Args(Product p, string tenantId, SqlCodec c) =>
    [
        ("@id", p.Id), ("@tenant_id", tenantId), ("@description", p.Description), ("@fiat_amount", p.FiatAmount),
        ("@fiat_currency", p.FiatCurrency), ("@stripe_price_id", p.StripePriceId), ("@crypto_amount", p.CryptoAmount),
        ("@crypto_token", p.CryptoToken), ("@crypto_account", p.CryptoAccount), ("@memo_template", p.MemoTemplate),
        ("@metadata", c.Json(p.Metadata)), ("@active", p.Active), ("@subscription_config", c.Json(p.SubscriptionConfig)),
        ("@created_at", p.CreatedAt), ("@updated_at", p.UpdatedAt),
    ];
}

internal static class CouponRow
{
    public const string Columns = "code, tenant_id, discount_type, discount_value, currency, scope, product_ids, payment_method, auto_apply, " +
        "applies_at, usage_limit, usage_count, starts_at, expires_at, active, metadata, created_at, updated_at";
    public static readonly string Values = RowText.Params(Columns);

    public static Coupon Read(DbDataReader r, SqlCodec c) => new()
    {
        Code = Str(r, 0),
        TenantId = Str(r, 1),
        DiscountType = EnumOf(r, 2, CouponDiscountType.Percentage),
        DiscountValue = Double(r, 3),
        Currency = OptStr(r, 4),
        Scope = EnumOf(r, 5, CouponScope.All),
        ProductIds = JsonList<string>(r, 6),
        PaymentMethod = Str(r, 7),
        AutoApply = Bool(r, 8),
        AppliesAt = OptStr(r, 9),
        UsageLimit = OptInt(r, 10),
        UsageCount = Int(r, 11),
        StartsAt = c.OptTime(r, 12),
        ExpiresAt = c.OptTime(r, 13),
        Active = Bool(r, 14),
        Metadata = Meta(r, 15),
        CreatedAt = c.Time(r, 16),
        UpdatedAt = c.Time(r, 17),
    };

    public static (string, object?)[] Args(Coupon p, string tenantId, SqlCodec c) =>
    [
        ("@code", p.Code), ("@tenant_id", tenantId), ("@discount_type", Text(p.DiscountType)), ("@discount_value", p.DiscountValue),
        ("@currency", p.Currency), ("@scope", Text(p.Scope)), ("@product_ids", c.Json(p.ProductIds)), ("@payment_method", p.PaymentMethod),
        ("@auto_apply", p.AutoApply), ("@applies_at", p.AppliesAt), ("@usage_limit", p.UsageLimit), ("@usage_count", p.UsageCount),
        ("@starts_at", c.TimeArg(p.StartsAt)), ("@expires_at", c.TimeArg(p.ExpiresAt)), ("@active", p.Active),
        ("@metadata", c.Json(p.Metadata)), ("@created_at", p.CreatedAt), ("@updated_at", p.UpdatedAt),
    ];
}

internal static class SubscriptionRow
{
    public const string Columns = "id, tenant_id, product_id, wallet, stripe_customer_id, stripe_subscription_id, payment_method, " +
        "billing_period, billing_interval, status, current_period_start, current_period_end, trial_end, cancelled_at, cancel_at_period_end, " +
        "metadata, created_at, updated_at";
    public static readonly string Values = RowText.Params(Columns);

    public static Subscription Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = Str(r, 0),
        TenantId = Str(r, 1),
        ProductId = Str(r, 2),
        Wallet = OptStr(r, 3),
        StripeCustomerId = OptStr(r, 4),
        StripeSubscriptionId = OptStr(r, 5),
        PaymentMethod = Str(r, 6),
        BillingPeriod = OptStr(r, 7) ?? "month",
        BillingInterval = Int(r, 8, 1),
        Status = EnumOf(r, 9, SubscriptionStatus.Active),
        CurrentPeriodStart = c.Time(r, 10),
        CurrentPeriodEnd = c.Time(r, 11),
        TrialEnd = c.OptTime(r, 12),
        CancelledAt = c.OptTime(r, 13),
        CancelAtPeriodEnd = Bool(r, 14),
        Metadata = Meta(r, 15),
        CreatedAt = c.Time(r, 16),
        UpdatedAt = c.Time(r, 17),
    };

    public static (string, object?)[] Args(Subscription s, string tenantId, SqlCodec c) =>
    [
        ("@id", s.Id), ("@tenant_id", tenantId), ("@product_id", s.ProductId), ("@wallet", s.Wallet),
        ("@stripe_customer_id", s.StripeCustomerId), ("@stripe_subscription_id", s.StripeSubscriptionId),
        ("@payment_method", s.PaymentMethod), ("@billing_period", s.BillingPeriod), ("@billing_interval", s.BillingInterval),
        ("@status", Text(s.Status)), ("@current_period_start", s.CurrentPeriodStart), ("@current_period_end", s.CurrentPeriodEnd),
        ("@trial_end", c.TimeArg(s.TrialEnd)), ("@cancelled_at", c.TimeArg(s.CancelledAt)), ("@cancel_at_period_end", s.CancelAtPeriodEnd),
        ("@metadata", c.Json(s.Metadata)), ("@created_at", s.CreatedAt), ("@updated_at", s.UpdatedAt),
    ];
}
